"""Models of this area arrive with its issue; the app exists so the layout is fixed."""
