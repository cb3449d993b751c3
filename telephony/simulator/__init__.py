"""The built-in simulated call centre.

It serves the vendors' real HTTP shapes on loopback, so the project's clients poll it exactly as
they would poll the real services. ``callcentre`` is the engine, each ``<vendor>_wire`` module
renders it in one vendor's format, and ``server`` routes HTTP paths to them by prefix.
"""

from telephony.simulator.callcentre import CallCentre
from telephony.simulator.server import SimulatorServer

__all__ = ["CallCentre", "SimulatorServer"]
