"""Inbound vendor webhooks: authenticated by their key, applied to the board at once."""
