"""Tests of the training app (教育培养)."""
