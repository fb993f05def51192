"""Dependencies point one way: the roster is the base; the apps built on it import it, never the reverse.

Every import in the source counts, a lazy one inside a function too: a lazy import is still a
dependency, only hidden. What an app above needs to do on a roster change it registers with the
roster (``cadres.events``, ``cadres.records``) from its ``AppConfig.ready``.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Each app and the apps it must never import (those above it).
ABOVE = {
    "cadres": ("oversight", "selection", "training", "cadre_office.dashboard"),
    "oversight": ("selection", "training", "cadre_office.dashboard"),
    "training": ("selection", "cadre_office.dashboard"),
    "cadre_office/dashboard": ("selection", "oversight", "training"),
}


def imports_of(path: Path) -> set[str]:
    """Return every module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources(app: str):
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_app_imports_an_app_above_it(app):
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sources(app)
        for module in imports_of(path)
        if any(module == above or module.startswith(f"{above}.") for above in ABOVE[app])
    )
    assert wrong == []


def test_the_dashboard_services_never_import_its_tasks():
    """The tasks call the services; sending a task is the tasks module's own (no import circle)."""
    services = imports_of(ROOT / "cadre_office/dashboard/services.py")
    assert not [module for module in services if module.startswith("cadre_office.dashboard.tasks")]
    assert "cadre_office.dashboard.services" in imports_of(ROOT / "cadre_office/dashboard/tasks.py")


def test_the_dashboard_hears_of_a_roster_import_through_the_roster_hook():
    from cadre_office.dashboard import tasks
    from cadres import events

    assert tasks.snapshot_recompute_queue in events.roster_changed._callbacks
