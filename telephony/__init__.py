"""Everything vendor-facing: the normalised model, one module per vendor, and the simulator."""
