"""The durable outbox: call lifecycle events for the helpdesk and call-tracking sinks."""
