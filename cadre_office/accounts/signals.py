"""Audit of authentication events (login, logout, failures, lockouts)."""
