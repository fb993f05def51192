"""Reads of the oversight app that views, exports, the desk and other apps share, one module per subject.

Every list starts from the user's scope (``cadres.permissions.visible_to``), as a subquery.
"""
