"""Which class speaks for which source. Adding a vendor = one module + one line here."""

from __future__ import annotations

PBX_BACKENDS: dict[str, str] = {
    "voicenter": "telephony.voicenter.VoicenterClient",
    "virtualats": "telephony.virtualats.VirtualAtsClient",
    "yemot": "telephony.yemot.YemotClient",
}
