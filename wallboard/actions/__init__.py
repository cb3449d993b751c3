"""Supervisor actions: validated, permission-checked, sent to the vendor, audited."""
