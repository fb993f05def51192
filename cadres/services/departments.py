"""Writes to the department tree.

Moving a unit (a new parent) changes who sees its cadres: department heads see the subtrees of
the units granted to them (``cadres.permissions``). ``department_move_impact`` says who would
gain or lose sight of how many cadres; a move that changes anyone's view waits for the security
administrator (docs/security.md item 34): ``department_update`` refuses it with
``DepartmentMoveNeedsConfirmation`` until a confirmed request (``department_move_confirm``)
carries it out. Every move's audit row names the old and the new parent.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres import events
from cadres.codes import PersonnelStatus
from cadres.models import Cadre, Department, DepartmentUserObjectPermission
from cadres.permissions import SCOPE_CODENAME

MOVE_NEEDS_CONFIRMATION = "移动该单位会改变下列人员可以查看的干部范围，须经安全管理员确认后生效。"
MOVE_UNDER_ITSELF = "不能将单位移动到其自身或其下级单位之下"
MOVE_REQUEST_STALE = "移动申请与该单位的当前情况不符（申请后单位已被修改），请驳回后重新申请。"
MOVE_ALREADY_PENDING = "该单位已有一项待安全管理员确认的移动申请，请等待确认或先撤回。"

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


# --- who sees what after a move -----------------------------------------------------------------


def _path_ids(path: str) -> list[int]:
    """Return the ids of the departments on a tree path ("/00000-1/00010-4/" → [1, 4])."""
    return [int(segment.rsplit("-", 1)[1]) for segment in path.strip("/").split("/") if segment]


def _ref(department: Department | None) -> dict | None:
    return None if department is None else {"id": department.pk, "name": department.name}


@dataclass(frozen=True)
class ScopeChange:
    """One account that would gain (or lose) sight of cadres: through which granted units, and how many."""

    user_id: int
    username: str
    full_name: str
    role: str
    via: tuple[str, ...]
    cadres: int
    active: int
    gains: bool

    def as_payload(self) -> dict:
        return {"user_id": self.user_id, "user": self.username, "name": self.full_name, "role": self.role,
                "via": list(self.via), "cadres": self.cadres, "active": self.active}

    @staticmethod
    def text(entry: dict, *, gains: bool) -> str:
        """Return a line of the preview, e.g. 张三（科室负责人，管辖：办公室）将新增可见干部 16 人（在职 15 人）."""
        who = entry["name"] or entry["user"]
        what = "将新增可见干部" if gains else "将不再能查看干部"
        return (f"{who}（{entry['user']}，{entry['role'] or '无角色'}，管辖：{'、'.join(entry['via'])}）"
                f"{what} {entry['cadres']} 人（其中在职 {entry['active']} 人）")


@dataclass(frozen=True)
class MoveImpact:
    """What moving ``department`` under ``parent`` changes in who sees which cadres."""

    department: Department
    old_parent: Department | None
    parent: Department | None
    gains: list[ScopeChange] = field(default_factory=list)
    losses: list[ScopeChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.gains or self.losses)

    def as_payload(self) -> dict:
        return {"gains": [change.as_payload() for change in self.gains],
                "losses": [change.as_payload() for change in self.losses]}

    def lines(self) -> list[str]:
        return impact_lines(self.as_payload())


def impact_lines(payload: dict) -> list[str]:
    """Return the preview's lines from a stored impact (a request's payload, an audit row's detail)."""
    return ([ScopeChange.text(entry, gains=True) for entry in payload.get("gains") or []]
            + [ScopeChange.text(entry, gains=False) for entry in payload.get("losses") or []])


def department_move_impact(*, department: Department, parent: Department | None) -> MoveImpact:
    """Return who would gain or lose sight of which cadres if ``department`` moved under ``parent``.

    A grant on a unit covers its subtree (``cadres.permissions``). Moving the subtree changes
    only the grants on its ancestors: the old ones (paths of ``department``) stop covering it,
    the new ones (``parent`` and up) start to. Someone gains when they hold a new ancestor and
    no old one, loses in the opposite case, and either way the cadres that their grants inside
    the subtree already cover do not count. Three queries, whatever the number of accounts,
    grants or units: the grants involved (with their accounts), the accounts' roles, and the
    subtree's cadres counted per unit.
    """
    old_parent = department.parent if department.parent_id else None
    old_ancestors = set(_path_ids(department.path)) - {department.pk}
    new_ancestors = set(_path_ids(parent.path)) if parent is not None else set()
    impact = MoveImpact(department=department, old_parent=old_parent, parent=parent)
    if old_ancestors == new_ancestors:
        return impact
    grants = list(
        DepartmentUserObjectPermission.objects.filter(
            permission__codename=SCOPE_CODENAME, permission__content_type__app_label="cadres",
        ).filter(
            Q(content_object_id__in=old_ancestors | new_ancestors) | Q(content_object__path__startswith=department.path)
        ).select_related("user", "content_object").prefetch_related("user__groups").order_by("user__username", "pk")
    )
    by_user: dict[int, list] = {}
    for grant in grants:
        by_user.setdefault(grant.user_id, []).append(grant)
    changed = []
    for user_grants in by_user.values():
        before = [g for g in user_grants if g.content_object_id in old_ancestors]
        after = [g for g in user_grants if g.content_object_id in new_ancestors]
        if bool(before) != bool(after):
            inside = [g.content_object.path for g in user_grants if g.content_object.path.startswith(department.path)]
            changed.append((user_grants[0].user, after or before, inside, bool(after)))
    if not changed:
        return impact
    counts = list(
        Cadre.objects.filter(department__path__startswith=department.path).order_by()
        .values("department__path")
        .annotate(total=Count("pk"), active=Count("pk", filter=Q(status=PersonnelStatus.ACTIVE)))
    )
    for user, via, inside, gains in changed:
        seen = [row for row in counts if not any(row["department__path"].startswith(path) for path in inside)]
        roles = "、".join(group.name for group in user.groups.all())
        change = ScopeChange(
            user_id=user.pk, username=user.get_username(), full_name=user.first_name, role=roles,
            via=tuple(grant.content_object.name for grant in via),
            cadres=sum(row["total"] for row in seen), active=sum(row["active"] for row in seen), gains=gains,
        )
        (impact.gains if gains else impact.losses).append(change)
    return impact


class DepartmentMoveNeedsConfirmation(ValidationError):
    """A move that changes who sees which cadres, refused until the security administrator confirms it."""

    def __init__(self, impact: MoveImpact):
        super().__init__({"parent": MOVE_NEEDS_CONFIRMATION}, code="move_needs_confirmation")
        self.impact = impact


def _confirms(move_request, department: Department, parent: Department | None) -> bool:
    """Return whether ``move_request`` is a pending request, being confirmed, to make exactly this move."""
    if move_request is None:
        return False
    wanted = (move_request.payload.get("parent") or {}).get("id")
    return (move_request.kind == "move_department" and move_request.state == "pending"
            and move_request.target_department_id == department.pk
            and wanted == (parent.pk if parent is not None else None))


@transaction.atomic
def department_update(*, actor, department: Department, reason: str = "", move_request=None,
                      **fields) -> Department:
    """Change a department; moving it or changing its order re-paths its subtree.

    A move (a new ``parent``) that changes who sees which cadres raises
    ``DepartmentMoveNeedsConfirmation`` unless ``move_request`` is the pending request being
    confirmed for exactly this move (``department_move_confirm``). A move writes one
    ``department_move`` audit row with the old and the new parent and who gained or lost sight
    of how many cadres; any other change one ``update`` row.
    """
    old_path = department.path
    old_parent = department.parent if department.parent_id else None
    moving = "parent" in fields and getattr(fields["parent"], "pk", None) != department.parent_id
    if moving:
        parent = fields["parent"]
        if parent is not None and (parent.pk == department.pk or parent.path.startswith(old_path)):
            raise ValidationError({"parent": MOVE_UNDER_ITSELF})
        pending = department.change_requests.filter(kind="move_department", state="pending")
        if move_request is not None:
            pending = pending.exclude(pk=move_request.pk)
        if pending.exists():
            raise ValidationError({"parent": MOVE_ALREADY_PENDING})
        impact = department_move_impact(department=department, parent=parent)
        if impact and not _confirms(move_request, department, parent):
            raise DepartmentMoveNeedsConfirmation(impact)
    for name, value in fields.items():
        setattr(department, name, value)
    if department.parent_id and department.parent.path.startswith(old_path):
        raise ValidationError({"parent": MOVE_UNDER_ITSELF})
    tracked_save(department, actor=actor, reason=reason or ("移动单位" if moving else "修改单位"))
    new_path = (department.parent.path if department.parent_id else "/") + department.path_segment()
    if new_path != old_path:
        # ``path`` is excluded from history (it is derived), so rewriting it in bulk loses nothing.
        subtree = list(Department.objects.filter(path__startswith=old_path).select_for_update())
        for node in subtree:
            node.path = new_path + node.path[len(old_path):]
        Department.objects.bulk_update(subtree, ["path"])
        department.path = new_path
    if moving:
        detail = {"reason": reason or "移动单位", "parent": {"from": _ref(old_parent), "to": _ref(department.parent)},
                  **impact.as_payload()}
        if move_request is not None:
            detail.update(request=move_request.pk, requested_by=move_request.requested_by.get_username())
        audit_record(Event.DEPARTMENT_MOVE, actor=actor, obj=department, detail=detail)
    else:
        audit_record(Event.UPDATE, actor=actor, obj=department, detail={"reason": reason or "修改单位"})
    return department


@transaction.atomic
def department_request_move(*, actor, department: Department, reason: str, **fields):
    """Save a department's other changes now and ask the security administrator to confirm its move.

    Return the pending request, or None when the move (computed again now) changes nobody's
    view and so took effect at once. The request is the accounts app's (``events.department_move_requested``).
    """
    parent = fields.pop("parent")
    impact = department_move_impact(department=department, parent=parent)
    if not impact:
        department_update(actor=actor, department=department, parent=parent, **fields)
        return None
    department_update(actor=actor, department=department, **fields)
    return events.department_move_requested.ask(actor=actor, department=department, parent=parent, reason=reason,
                                                impact=impact)


@transaction.atomic
def department_move_confirm(*, actor, request) -> Department:
    """Carry out a confirmed move: lock the unit and its new parent, check the request still fits, move.

    Who gains what is computed again here, on the tree as it is now; the audit row records that.
    Called by the accounts app's confirmation of the request, which checked the confirmer.
    """
    department = Department.objects.select_for_update().get(pk=request.target_department_id)
    parent_id = (request.payload.get("parent") or {}).get("id")
    parent = Department.objects.select_for_update().filter(pk=parent_id).first() if parent_id else None
    old_parent_id = (request.payload.get("old_parent") or {}).get("id")
    if (parent_id and parent is None) or department.parent_id != old_parent_id:
        raise ValidationError(MOVE_REQUEST_STALE, code="stale")
    return department_update(actor=actor, department=department, parent=parent, move_request=request,
                             reason=f"移动单位（{request.reason}）")


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
