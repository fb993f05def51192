"""Tests of the reports layer (issue 15)."""
