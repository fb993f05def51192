"""Reads of the training app (教育培养), one module per part."""
