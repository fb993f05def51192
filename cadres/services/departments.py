"""Writes to the department tree."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres.models import Department

# Subordinate units are told apart from sections by how rosters name them.
_UNIT_SUFFIXES = ("所", "馆", "中心", "大队", "站", "院", "队")


def department_root(*, actor) -> Department:
    """Return the bureau itself, the root of the tree, creating it on first use."""
    root = Department.objects.filter(parent__isnull=True, kind=Department.Kind.BUREAU).order_by("pk").first()
    if root is None:
        root = department_create(actor=actor, name=settings.BUREAU_NAME, parent=None, kind=Department.Kind.BUREAU,
                                 sort_order=0)
    return root


@transaction.atomic
def department_create(*, actor, name: str, parent: Department | None, kind: str = Department.Kind.SECTION,
                      sort_order: int = 100, short_name: str = "", reason: str = "") -> Department:
    """Create a department under ``parent``."""
    department = Department(name=name.strip(), parent=parent, kind=kind, sort_order=sort_order,
                            short_name=short_name)
    department.full_clean()
    # The path needs the primary key: save once, then set it.
    tracked_save(department, actor=actor, reason=reason or "新增单位", clean=False)
    department.path = (parent.path if parent else "/") + department.path_segment()
    # ``path`` is excluded from history: a plain update, so the creation leaves one history row, not two.
    Department.objects.filter(pk=department.pk).update(path=department.path)
    audit_record(Event.CREATE, actor=actor, obj=department, detail={"reason": reason or "新增单位"})
    return department


@transaction.atomic
def department_update(*, actor, department: Department, reason: str = "", **fields) -> Department:
    """Change a department; moving it or changing its order re-paths its subtree."""
    old_path = department.path
    for field, value in fields.items():
        setattr(department, field, value)
    if department.parent_id and department.parent.path.startswith(old_path):
        raise ValidationError({"parent": "不能将单位移动到其自身或其下级单位之下"})
    tracked_save(department, actor=actor, reason=reason or "修改单位")
    new_path = (department.parent.path if department.parent_id else "/") + department.path_segment()
    if new_path != old_path:
        # ``path`` is excluded from history (it is derived), so rewriting it in bulk loses nothing.
        subtree = list(Department.objects.filter(path__startswith=old_path).select_for_update())
        for node in subtree:
            node.path = new_path + node.path[len(old_path):]
        Department.objects.bulk_update(subtree, ["path"])
        department.path = new_path
    audit_record(Event.UPDATE, actor=actor, obj=department, detail={"reason": reason or "修改单位"})
    return department


def department_for_roster_name(*, actor, name: str, cache: dict[str, Department]) -> Department:
    """Return the department a roster names in 工作单位, creating it under the bureau if new."""
    if name not in cache:
        department = Department.objects.filter(name=name).first()
        if department is None:
            kind = Department.Kind.UNIT if name.endswith(_UNIT_SUFFIXES) else Department.Kind.SECTION
            department = department_create(actor=actor, name=name, parent=department_root(actor=actor), kind=kind,
                                           sort_order=100 if kind == Department.Kind.SECTION else 500)
        cache[name] = department
    return cache[name]
