"""Reports across the bureau's work (issue 15): the top layer, imported by the project layer only."""
