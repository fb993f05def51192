"""Writes of 定期考察: 平时考核 grids (enter, submit, confirm, reopen, import), 年度考核 by unit, the settings.

Every write is atomic, validates, writes history naming ``actor`` (``tracked_save``/``tracked_delete``)
and its audit rows in the same transaction; a refusal raises ``ValidationError`` with a message of
``oversight.messages_inspection`` and leaves nothing changed. The state of a grid changes only here,
under a row lock. The 年度考核 rules (the share of 优秀, the conflicts with 处分/诫勉) are data:
``OversightSettings`` and ``AppraisalConflictRule``; ``appraisal_check`` applies them to the single
record form too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_delete, tracked_save
from cadres.models import Cadre, in_service_on
from cadres.services.records import audit_cadre_change
from oversight import events
from oversight import messages_inspection as msg
from oversight.models import (
    AnnualAppraisal,
    AppraisalConflictRule,
    DisciplineAction,
    OversightSettings,
    QuarterlyGrade,
    QuarterlyReview,
    Rating,
    quarter_bounds,
)

CONFIRM_PERMISSION = "oversight.confirm_quarterly_grade"
ENTER_PERMISSION = "oversight.enter_quarterly_grade"
QUARTERLY_REASON = "平时考核"
ANNUAL_REASON = "年度考核（按单位录入）"


def add_one_month(day: dt.date) -> dt.date:
    """Return the same day a month later (the month's last day where it has no such day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# --- who is on a grid -----------------------------------------------------------------------------


def quarterly_roster(department, year: int, quarter: int):
    """Return the cadres of ``department`` in service during the quarter, in name order."""
    start, _ = quarter_bounds(year, quarter)
    return Cadre.objects.filter(department=department).filter(in_service_on(start)).order_by("name", "pk")


def annual_roster(department, year: int):
    """Return the cadres of ``department`` in service during ``year``, in name order."""
    return Cadre.objects.filter(department=department).filter(in_service_on(dt.date(year, 1, 1))).order_by(
        "name", "pk")


def _period(year, quarter) -> str:
    return QuarterlyReview(year=year, quarter=quarter).period


# --- 平时考核 ----------------------------------------------------------------------------------------


def _locked(review: QuarterlyReview) -> QuarterlyReview:
    return QuarterlyReview.objects.select_for_update().get(pk=review.pk)


def _review_for_update(*, actor, department, year, quarter) -> QuarterlyReview:
    review = QuarterlyReview.objects.select_for_update().filter(department=department, year=year,
                                                                quarter=quarter).first()
    if review is None:
        review = QuarterlyReview(department=department, year=year, quarter=quarter)
        tracked_save(review, actor=actor, reason="新建平时考核")
        audit_record(Event.CREATE, actor=actor, obj=review)
    return review


@transaction.atomic
def quarterly_grades_save(*, actor, department, year: int, quarter: int, grades: dict, submit: bool = False,
                          source: str = "") -> tuple[QuarterlyReview, int]:
    """Write the grades of ``department``'s grid for the quarter; return the grid and how many changed.

    ``grades`` maps a cadre's id to ``(grade code or "", note)``; "" clears a grade. Only cadres on
    the unit's grid are accepted. A confirmed grid is locked; a submitted one only personnel staff
    (who confirm) may correct. ``submit`` submits the grid in the same transaction.
    """
    period = _period(year, quarter)
    if quarter_bounds(year, quarter)[0] > timezone.localdate():
        raise ValidationError(msg.GRID_FUTURE.format(period=period))
    review = _review_for_update(actor=actor, department=department, year=year, quarter=quarter)
    if review.state == QuarterlyReview.State.CONFIRMED:
        raise ValidationError(msg.GRID_LOCKED.format(period=period))
    if review.state == QuarterlyReview.State.SUBMITTED and not actor.has_perm(CONFIRM_PERMISSION):
        raise ValidationError(msg.GRID_SUBMITTED.format(period=period))
    existing = {grade.cadre_id: grade for grade in review.grades.select_related("cadre")}
    allowed = {cadre.pk: cadre for cadre in quarterly_roster(department, year, quarter)}
    allowed.update({cadre_id: grade.cadre for cadre_id, grade in existing.items()})
    errors = []
    for cadre_id, (grade, _note) in grades.items():
        cadre = allowed.get(cadre_id)
        if cadre is None:
            name = Cadre.objects.filter(pk=cadre_id).values_list("name", flat=True).first() or f"编号{cadre_id}"
            errors.append(msg.GRID_FOREIGN_CADRE.format(name=name, unit=department.name, period=period))
        elif grade and grade not in Rating.values:
            errors.append(msg.GRID_BAD_GRADE.format(name=cadre.name, grade=grade))
    if errors:
        raise ValidationError(errors)
    changed = 0
    for cadre_id, (grade, note) in grades.items():
        current, note = existing.get(cadre_id), (note or "").strip()
        if not grade:
            if current is not None:
                tracked_delete(current, actor=actor, reason=f"删除{QUARTERLY_REASON}等次")
                audit_cadre_change(Event.DELETE, actor=actor, cadre=allowed[cadre_id], record=current,
                                   record_id=cadre_id, reason=QUARTERLY_REASON, period=period)
                changed += 1
            continue
        if current is None:
            current = QuarterlyGrade(review=review, cadre=allowed[cadre_id], grade=grade, note=note)
            event = Event.CREATE
        elif (current.grade, current.note) != (grade, note):
            current.grade, current.note, event = grade, note, Event.UPDATE
        else:
            continue
        tracked_save(current, actor=actor, reason=source or QUARTERLY_REASON)
        audit_cadre_change(event, actor=actor, cadre=allowed[cadre_id], record=current, reason=QUARTERLY_REASON,
                           period=period, grade=grade)
        changed += 1
    if submit:
        review = quarterly_review_submit(actor=actor, review=review)
    return review, changed


def _missing(review: QuarterlyReview) -> tuple[list[str], int]:
    graded = set(review.grades.values_list("cadre_id", flat=True))
    roster = list(quarterly_roster(review.department, review.year, review.quarter).values_list("pk", "name"))
    return [name for pk, name in roster if pk not in graded], len(roster) + len(graded - {pk for pk, _ in roster})


@transaction.atomic
def quarterly_review_submit(*, actor, review: QuarterlyReview) -> QuarterlyReview:
    """Submit a grid for confirmation: every cadre on it graded."""
    review = _locked(review)
    if review.state != QuarterlyReview.State.DRAFT:
        raise ValidationError(msg.GRID_NOT_DRAFT.format(state=review.get_state_display()))
    missing, total = _missing(review)
    if not total:
        raise ValidationError(msg.GRID_EMPTY.format(unit=review.department.name, period=review.period))
    if missing:
        names = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise ValidationError(msg.GRID_INCOMPLETE.format(count=len(missing), names=names))
    review.state, review.submitted_by, review.submitted_at = QuarterlyReview.State.SUBMITTED, actor, timezone.now()
    tracked_save(review, actor=actor, reason="提交平时考核",
                 update_fields=["state", "submitted_by", "submitted_at"])
    audit_record(Event.WORKFLOW, actor=actor, obj=review, detail={"action": "submit"})
    return review


@transaction.atomic
def quarterly_review_confirm(*, actor, review: QuarterlyReview) -> QuarterlyReview:
    """Confirm a submitted grid (it is then locked); a 较差 grade makes a 提醒谈话 due within a month."""
    review = _locked(review)
    if review.state != QuarterlyReview.State.SUBMITTED:
        raise ValidationError(msg.GRID_NOT_SUBMITTED.format(state=review.get_state_display()))
    review.state, review.confirmed_by, review.confirmed_at = QuarterlyReview.State.CONFIRMED, actor, timezone.now()
    tracked_save(review, actor=actor, reason="确认平时考核",
                 update_fields=["state", "confirmed_by", "confirmed_at"])
    audit_record(Event.WORKFLOW, actor=actor, obj=review, detail={"action": "confirm"})
    due_on = add_one_month(timezone.localdate())
    for grade in review.grades.select_related("cadre"):
        if grade.grade == Rating.POOR:
            events.talk_required.send(actor=actor, cadre=grade.cadre, kind="reminder", due_on=due_on,
                                      reason=msg.POOR_TALK_REASON.format(period=review.period),
                                      source=f"quarterly:{grade.pk}")
        events.record_changed.send(actor=actor, cadre=grade.cadre)
    return review


@transaction.atomic
def quarterly_review_reopen(*, actor, review: QuarterlyReview, reason: str) -> QuarterlyReview:
    """Send a submitted or confirmed grid back to the unit (填报中), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": msg.GRID_REOPEN_REASON})
    review = _locked(review)
    if review.state == QuarterlyReview.State.DRAFT:
        raise ValidationError(msg.GRID_NOT_REOPENABLE)
    was_confirmed = review.state == QuarterlyReview.State.CONFIRMED
    review.state, review.reopen_reason = QuarterlyReview.State.DRAFT, reason[:200]
    review.submitted_by = review.submitted_at = review.confirmed_by = review.confirmed_at = None
    tracked_save(review, actor=actor, reason=f"退回平时考核：{reason}"[:100],
                 update_fields=["state", "reopen_reason", "submitted_by", "submitted_at", "confirmed_by",
                                "confirmed_at"])
    audit_record(Event.WORKFLOW, actor=actor, obj=review, detail={"action": "reopen", "reason": reason})
    if was_confirmed:  # its grades no longer count until confirmed again
        for grade in review.grades.select_related("cadre"):
            events.record_changed.send(actor=actor, cadre=grade.cadre)
    return review


# --- 年度考核 rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A 处分/诫勉 that limits a cadre's grade for a year, under ``rule``; ``message`` says so."""

    cadre_id: int
    rule: AppraisalConflictRule
    action: DisciplineAction
    message: str

    @property
    def force_unrated(self) -> bool:
        return self.rule.outcome == AppraisalConflictRule.Outcome.FORCE_UNRATED

    def refuses(self, grade: str) -> bool:
        """Return whether ``grade`` breaks this conflict's rule ("" — no grade — breaks none)."""
        if not grade:
            return False
        if self.force_unrated:
            return grade != AnnualAppraisal.Grade.UNRATED
        return grade == AnnualAppraisal.Grade.EXCELLENT


def appraisal_conflicts(cadres, year: int) -> dict[int, list[Conflict]]:
    """Return, per cadre id, the conflicts of ``cadres`` for ``year`` under the active rules (two queries)."""
    names = {cadre.pk: cadre.name for cadre in cadres}
    rules = list(AppraisalConflictRule.objects.filter(is_active=True))
    if not rules or not names:
        return {}
    actions = DisciplineAction.objects.filter(cadre_id__in=names, decided_on__lte=dt.date(year, 12, 31),
                                              effect_until__gte=dt.date(year, 1, 1)).order_by("decided_on", "pk")
    found: dict[int, list[Conflict]] = {}
    for action in actions:
        for rule in rules:
            if not rule.applies(action, year):
                continue
            template = msg.CONFLICT_FORCE if rule.outcome == rule.Outcome.FORCE_UNRATED else msg.CONFLICT_EXCLUDE
            text = template.format(name=names[action.cadre_id], year=year, kind=action.get_kind_display(),
                                   decided=f"{action.decided_on:%Y-%m-%d}", until=f"{action.effect_until:%Y-%m-%d}")
            found.setdefault(action.cadre_id, []).append(Conflict(action.cadre_id, rule, action, text))
    return found


def excellent_share(year: int, proposed: dict[int, str] | None = None) -> dict:
    """Return the 优秀 figures of ``year`` with ``proposed`` grades (cadre id → grade, "" none) applied.

    Those appraised: the cadres in service during the year or graded for it, less those graded
    不进行考核. ``allowed``: the most 优秀 the setting permits (rounded down).
    """
    proposed = proposed or {}
    grades = dict(AnnualAppraisal.objects.filter(year=year).values_list("cadre_id", "grade"))
    before = sum(1 for grade in grades.values() if grade == AnnualAppraisal.Grade.EXCELLENT)
    for cadre_id, grade in proposed.items():
        if grade:
            grades[cadre_id] = grade
        else:
            grades.pop(cadre_id, None)
    roster = set(Cadre.objects.filter(in_service_on(dt.date(year, 1, 1))).values_list("pk", flat=True))
    not_appraised = {pk for pk, grade in grades.items() if grade == AnnualAppraisal.Grade.NOT_APPRAISED}
    total = len((roster | set(grades)) - not_appraised)
    excellent = sum(1 for grade in grades.values() if grade == AnnualAppraisal.Grade.EXCELLENT)
    limit = OversightSettings.current().excellent_share_percent
    return {"year": year, "excellent": excellent, "before": before, "total": total, "limit": limit,
            "allowed": math.floor(total * limit / 100),
            "remaining": max(math.floor(total * limit / 100) - excellent, 0),
            "share": round(excellent * 100 / total, 1) if total else 0}


def excellent_share_check(year: int, proposed: dict[int, str]) -> None:
    """Refuse grades that add 优秀 beyond the share the settings allow."""
    if not any(grade == AnnualAppraisal.Grade.EXCELLENT for grade in proposed.values()):
        return
    figures = excellent_share(year, proposed)
    if figures["excellent"] > figures["allowed"] and figures["excellent"] > figures["before"]:
        raise ValidationError(msg.EXCELLENT_SHARE_EXCEEDED.format(**figures))


def appraisal_rules_check(appraisal: AnnualAppraisal) -> None:
    """Apply the conflict rules and the share of 优秀 to one appraisal (the record page's form)."""
    if appraisal.year is None or not appraisal.grade or appraisal.cadre_id is None:
        return
    conflicts = appraisal_conflicts([appraisal.cadre], appraisal.year).get(appraisal.cadre_id, [])
    refused = [conflict.message for conflict in conflicts if conflict.refuses(appraisal.grade)]
    if refused:
        raise ValidationError({"grade": refused})
    if appraisal.pk:
        before = AnnualAppraisal.objects.filter(pk=appraisal.pk).values_list("year", flat=True).first()
        if before is not None and before != appraisal.year:
            excellent_share_check(before, {appraisal.cadre_id: ""})
    excellent_share_check(appraisal.year, {appraisal.cadre_id: appraisal.grade})


@transaction.atomic
def annual_grades_save(*, actor, department, year: int, grades: dict[int, str]) -> int:
    """Write the 年度考核 grades of ``department``'s cadres for ``year`` (cadre id → grade, "" clears).

    Refuses, with every problem listed and nothing written: cadres not on the unit's list, unknown
    grades, grades the conflict rules forbid, and 优秀 beyond the bureau's share. Tells the flag rules
    (``record_changed``) about each cadre whose grade changed. Returns how many changed.
    """
    if year > timezone.localdate().year:
        raise ValidationError(msg.ANNUAL_FUTURE.format(year=year))
    roster = {cadre.pk: cadre for cadre in annual_roster(department, year)}
    existing = {appraisal.cadre_id: appraisal
                for appraisal in AnnualAppraisal.objects.filter(year=year, cadre_id__in=list(grades))}
    errors, changes = [], {}
    for cadre_id, grade in grades.items():
        cadre = roster.get(cadre_id)
        if cadre is None:
            name = Cadre.objects.filter(pk=cadre_id).values_list("name", flat=True).first() or f"编号{cadre_id}"
            errors.append(msg.ANNUAL_FOREIGN_CADRE.format(name=name, unit=department.name, year=year))
        elif grade and grade not in AnnualAppraisal.Grade.values:
            errors.append(msg.ANNUAL_BAD_GRADE.format(name=cadre.name, grade=grade))
        elif grade != (existing[cadre_id].grade if cadre_id in existing else ""):
            changes[cadre_id] = grade
    conflicts = appraisal_conflicts([roster[pk] for pk in changes], year)
    for cadre_id, grade in changes.items():
        errors += [conflict.message for conflict in conflicts.get(cadre_id, []) if conflict.refuses(grade)]
    if errors:
        raise ValidationError(errors)
    excellent_share_check(year, changes)
    for cadre_id, grade in changes.items():
        appraisal, cadre = existing.get(cadre_id), roster[cadre_id]
        if not grade:
            tracked_delete(appraisal, actor=actor, reason=f"删除{ANNUAL_REASON}")
            audit_cadre_change(Event.DELETE, actor=actor, cadre=cadre, record=appraisal, record_id=cadre_id,
                               reason=ANNUAL_REASON, year=year)
        else:
            event = Event.UPDATE if appraisal else Event.CREATE
            appraisal = appraisal or AnnualAppraisal(cadre=cadre, year=year)
            appraisal.grade = grade
            tracked_save(appraisal, actor=actor, reason=ANNUAL_REASON)
            audit_cadre_change(event, actor=actor, cadre=cadre, record=appraisal, reason=ANNUAL_REASON,
                               year=year, grade=grade)
        events.record_changed.send(actor=actor, cadre=cadre)
    return len(changes)


# --- settings -------------------------------------------------------------------------------------


@transaction.atomic
def oversight_settings_save(*, actor, settings: OversightSettings) -> OversightSettings:
    """Save the oversight settings (the one row), with history and an audit row."""
    settings.pk = OversightSettings.SINGLETON_PK
    tracked_save(settings, actor=actor, reason="修改日常监督设置")
    audit_record(Event.UPDATE, actor=actor, obj=settings,
                 detail={"excellent_share_percent": settings.excellent_share_percent})
    return settings


@transaction.atomic
def conflict_rule_save(*, actor, rule: AppraisalConflictRule) -> AppraisalConflictRule:
    """Add or change a 年度考核 conflict rule, with history and an audit row."""
    event = Event.CREATE if rule._state.adding else Event.UPDATE
    tracked_save(rule, actor=actor, reason="年度考核冲突规则")
    audit_record(event, actor=actor, obj=rule, detail={"active": rule.is_active})
    return rule
