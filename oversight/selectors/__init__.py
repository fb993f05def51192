"""Reads of the oversight app that views, reports and tasks share, one module per subject."""
