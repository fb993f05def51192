"""The shape of the code, checked: writes live in services, dependencies point down (issue 11, items 4 and 5).

docs/architecture.md explains both rules; this file is their definition.

1. Every ORM write (``save``, ``delete``, ``create``, ``update`` on a queryset, ``bulk_create``,
   ``bulk_update``, ``get_or_create``, ``update_or_create``) sits in a module named ``services``
   (``services.py`` or a ``services/`` package), or in one of the few ``WRITE_EXCEPTIONS`` below, each
   with its reason. Migrations, tests and the benchmark are not scanned. A management command or a
   task is thin: it calls a service, so a write inside one is an offender like any other.
2. A module imports nothing from a layer above its own (``LAYERS``), and no two apps import each other.
   Imports inside functions count: a dependency postponed to call time is still a dependency.

The scan reads the source (``ast``): nothing is imported, so a module that would fail to import is
still checked, and the offenders are listed with file and line.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("cadre_office", "cadres", "selection", "oversight", "training", "reports")
NOT_SCANNED = {".venv", "node_modules", "tests", "bench", "migrations", "static", "templates", "var"}


def project_modules():
    """Yield (dotted name, path relative to the root, syntax tree) of every module of the project's code."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            relative = path.relative_to(ROOT)
            if NOT_SCANNED & set(relative.parts):
                continue
            name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
            yield name, relative, ast.parse(path.read_text(encoding="utf-8"), filename=str(relative))


# --- 1. writes in services -----------------------------------------------------------------------------

ALWAYS_WRITES = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# ``update`` is a write only on a queryset: a dict, a form widget's attrs or a template context have one too.
QUERYSET_STEPS = {"objects", "_default_manager", "_base_manager", "filter", "exclude", "all", "select_for_update",
                  "select_related", "prefetch_related", "order_by", "annotate", "using", "only", "defer", "distinct",
                  "none", "history"}
# Receivers whose ``save``/``delete`` are not the ORM's: the session store (Django's own), an openpyxl
# workbook or a python-docx document written to memory, the cache.
NOT_ORM_RECEIVERS = {"session", "workbook", "document", "cache"}

# Modules that write outside ``services``, and why that is right.
WRITE_EXCEPTIONS = {
    "cadre_office/history.py": "tracked_save/tracked_delete and service_account: the write primitives every service "
                               "calls, which add the history row and its author in one place",
    "cadre_office/accounts/roles.py": "sync_role_permissions runs in the migration that creates the roles and on "
                                      "post_migrate, with the migration's app registry: it keeps groups equal to "
                                      "the role table",
}


def _receiver(node) -> list[str]:
    """Return the names along a call's receiver: ``Model.objects.filter(…).update`` → [Model, objects, filter]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            break
        else:
            break
    return list(reversed(names))


def orm_write(call: ast.Call) -> str | None:
    """Return ``receiver.method`` when ``call`` is an ORM write, else None."""
    if not isinstance(call.func, ast.Attribute):
        return None
    method, receiver = call.func.attr, _receiver(call.func.value)
    text = ".".join([*receiver, method])
    if method in ALWAYS_WRITES:
        return text
    if method in ("save", "delete"):
        if receiver[:1] == ["super"] or (receiver and receiver[-1] in NOT_ORM_RECEIVERS):
            return None
        return text
    if method == "create":
        return text
    if method == "update" and QUERYSET_STEPS & set(receiver[1:]):
        return text
    return None


def is_services_module(relative: Path) -> bool:
    return relative.stem == "services" or "services" in relative.parts[:-1]


def write_offenders() -> list[str]:
    offenders = []
    for _, relative, tree in project_modules():
        if is_services_module(relative) or relative.as_posix() in WRITE_EXCEPTIONS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (write := orm_write(node)):
                offenders.append(f"{relative}:{node.lineno} {write}(…)")
    return offenders


def test_the_write_scan_tells_orm_writes_from_other_calls():
    def check(source):
        return orm_write(ast.parse(source).body[0].value)

    assert check("Cadre.objects.filter(pk=1).update(name='x')") == "Cadre.objects.filter.update"
    assert check("cadre.save(update_fields=['name'])") == "cadre.save"
    assert check("case.candidates.create(cadre=c)") == "case.candidates.create"
    assert check("Group.objects.get_or_create(name='x')") == "Group.objects.get_or_create"
    assert check("context.update(rows=rows)") is None
    assert check("self.fields['q'].widget.attrs.update(placeholder='x')") is None
    assert check("super().save(*args, **kwargs)") is None
    assert check("request.session.save()") is None and check("cache.delete(key)") is None
    assert is_services_module(Path("cadres/services/cadres.py")) and is_services_module(Path("oversight/services.py"))
    assert not is_services_module(Path("cadres/views/record.py"))


def test_every_orm_write_is_in_a_services_module():
    offenders = write_offenders()
    assert offenders == [], "ORM writes outside services (docs/architecture.md):\n" + "\n".join(offenders)


# --- 2. layers -----------------------------------------------------------------------------------------

# Modules that are a unit of their own, whatever package holds them (see the base layer below).
STANDARDS = ["cadres.codes", "cadres.idnumbers"]

# Lowest first. A module belongs to the layer of the longest prefix listed. (docs/architecture.md, layers)
LAYERS = [
    # 0 base: what every app uses and that knows no app of the bureau's work (the audit log, history,
    # jobs, lists, PDFs and workbooks, Celery's configuration). The two national-standard modules of
    # cadres (GB/T code tables, GB 11643 ID numbers) import nothing of the project but each other:
    # they are base where they stand (the audit log masks ID numbers with them).
    ("base", ["cadre_office", "cadre_office.attachments", *STANDARDS]),
    # 1 the roster: cadres, their records, units.
    ("roster", ["cadres"]),
    # 2 who may do what: accounts, roles, scope granted on units, two-person changes (a unit move
    # asked for by the roster reaches it through a hook of cadres.events).
    ("access", ["cadre_office.accounts"]),
    # 3 the work on the roster.
    ("work", ["selection", "oversight", "training", "cadre_office.dashboard"]),
    # 4 reports across all of it.
    ("reports", ["cadre_office.reports"]),
    # 5 the project: settings, URLs, WSGI, the health check (it reads the dashboard's last nightly run)
    # and the project-wide commands (seed_demo seeds every app's demo data).
    ("project", ["cadre_office.settings", "cadre_office.urls", "cadre_office.wsgi", "cadre_office.health",
                 "cadre_office.management"]),
]


def layer_of(module: str) -> int:
    best, layer = -1, 0
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, layer = len(prefix), index
    return layer


def app_of(module: str) -> str:
    """Return the app a module belongs to: ``cadre_office.accounts``, ``cadres``, ``selection`` …"""
    if module in STANDARDS:
        return module
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "cadre_office" and len(parts) > 1 else parts[0]


def imports(tree) -> list[tuple[str, int]]:
    """Return the project modules ``tree`` imports (absolute imports; the project uses no relative ones)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] in APPS]


def layer_offenders() -> list[str]:
    offenders = []
    for module, relative, tree in project_modules():
        for target, line in imports(tree):
            if layer_of(target) > layer_of(module):
                offenders.append(f"{relative}:{line} {module} ({LAYERS[layer_of(module)][0]}) imports {target} "
                                 f"({LAYERS[layer_of(target)][0]})")
    return offenders


def app_cycles() -> list[str]:
    edges: dict[tuple[str, str], str] = {}
    for module, relative, tree in project_modules():
        for target, line in imports(tree):
            a, b = app_of(module), app_of(target)
            if a != b:
                edges.setdefault((a, b), f"{relative}:{line}")
    return sorted(f"{a} ⇄ {b} ({edges[(a, b)]}; {edges[(b, a)]})" for a, b in edges if (b, a) in edges and a < b)


def test_the_layers_place_each_module():
    assert [layer_of(m) for m in ("cadre_office.audit.services", "cadres.idnumbers", "cadres.models",
                                  "cadre_office.accounts.services", "cadre_office.dashboard.figures",
                                  "selection.services.steps", "cadre_office.urls", "cadre_office.health")] == [
        0, 0, 1, 2, 3, 3, 5, 5]
    assert app_of("cadre_office.accounts.services.changes") == "cadre_office.accounts"
    assert app_of("selection.services.steps") == "selection"


def test_no_module_imports_from_a_layer_above_its_own():
    offenders = layer_offenders()
    assert offenders == [], "imports from a higher layer (docs/architecture.md):\n" + "\n".join(offenders)


def test_no_two_apps_import_each_other():
    cycles = app_cycles()
    assert cycles == [], "apps importing each other (docs/architecture.md):\n" + "\n".join(cycles)
