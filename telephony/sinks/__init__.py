"""Receivers of call lifecycle events: which class speaks for which sink."""

SINK_BACKENDS: dict[str, str] = {
    "helpdesk": "telephony.sinks.helpdesk.HelpdeskSink",
    "mango": "telephony.sinks.mango.MangoSink",
}
