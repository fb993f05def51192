"""Maintaining plans (实施意见): their period, a new plan from the current one, and their targets' goals.

Every write keeps the row history (``tracked_save``) and the audit log in one transaction.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from cadre_office.audit.services import Event, audit_record
from cadre_office.dashboard import services
from cadre_office.dashboard.models import Plan, Target
from cadre_office.history import tracked_save

PLAN_ENDS_BEFORE_START = "截止日期须晚于起始日期。"
PLAN_NAME_REQUIRED = "请填写实施意见名称。"


class TargetsInvalid(ValidationError):
    """Some targets were refused; ``by_target`` maps a target's id to its errors. Nothing was saved."""

    def __init__(self, by_target: dict[int, ValidationError]):
        self.by_target = by_target
        super().__init__([message for error in by_target.values() for message in error.messages])


def _check_period(name: str, start_date: dt.date, end_date: dt.date) -> None:
    errors = {}
    if not (name or "").strip():
        errors["name"] = PLAN_NAME_REQUIRED
    if start_date and end_date and end_date <= start_date:
        errors["end_date"] = PLAN_ENDS_BEFORE_START
    if errors:
        raise ValidationError(errors)


def _period(plan: Plan) -> dict:
    return {"name": plan.name, "start_date": f"{plan.start_date:%Y-%m-%d}", "end_date": f"{plan.end_date:%Y-%m-%d}"}


@transaction.atomic
def plan_update(*, actor, plan: Plan, name: str, start_date: dt.date, end_date: dt.date) -> Plan:
    """Change a plan's name and period (audited, with history)."""
    _check_period(name, start_date, end_date)
    before = _period(plan)
    plan.name, plan.start_date, plan.end_date = name.strip(), start_date, end_date
    tracked_save(plan, actor=actor, reason="修改实施意见")
    audit_record(Event.UPDATE, actor=actor, obj=plan, detail={"from": before, "to": _period(plan)})
    return plan


@transaction.atomic
def plan_create(*, actor, name: str, start_date: dt.date, end_date: dt.date, copy_from: Plan | None = None) -> Plan:
    """Create a plan with the targets of ``copy_from`` (goals and age bounds included), audited."""
    _check_period(name, start_date, end_date)
    plan = Plan(name=name.strip(), start_date=start_date, end_date=end_date)
    tracked_save(plan, actor=actor, reason="新增实施意见")
    sources = list(copy_from.targets.order_by("sort_order", "id")) if copy_from else []
    for source in sources:
        target = Target(plan=plan, code=source.code, name=source.name, kind=source.kind, goal=source.goal,
                        age_max=source.age_max, sort_order=source.sort_order)
        tracked_save(target, actor=actor, reason="新增实施意见（沿用原目标）")
    audit_record(Event.CREATE, actor=actor, obj=plan, detail={
        **_period(plan), "copied_from": copy_from.pk if copy_from else None, "targets": len(sources),
    })
    return plan


def targets_update(*, actor, changes: list[tuple[Target, object, int | None]]) -> list[Target]:
    """Apply (target, goal, age bound) changes through ``services.target_update``: all or none.

    Targets whose values do not change are left alone (no history row, no audit entry).
    Raises ``TargetsInvalid`` naming each refused target; then nothing is saved.
    """
    errors: dict[int, ValidationError] = {}
    changed = []
    with transaction.atomic():
        for target, goal, age_max in changes:
            if target.goal == goal and target.age_max == age_max:
                continue
            try:
                with transaction.atomic():
                    changed.append(services.target_update(actor=actor, target=target, goal=goal, age_max=age_max))
            except ValidationError as exc:
                errors[target.pk] = exc
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise TargetsInvalid(errors)
    return changed
