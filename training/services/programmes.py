"""Writes of 理论培训: programmes, enrolments and their attendance and completion, the yearly hours, settings.

Every function is keyword-only, atomic, validates with ``full_clean`` and writes the history row
(naming ``actor``) and one audit row in the same transaction. The rules live here:

- a cadre is enrolled once per programme, and only a cadre in the actor's scope;
- attendance (出勤学时) is at most the programme's 学时;
- completing credits the programme's 学时 (or a given number, at most the programme's) on ``credited_on``,
  by default the programme's last day; 学时 count in the year of ``credited_on``, once;
- a completed enrolment may be corrected (completed again, or marked 未结业); a withdrawn one is closed;
- whenever an enrolment's credited hours, date or state change, the ``CadreYearHours`` rows of the
  years concerned (the old one and the new one) are rewritten from a SQL sum in the same transaction.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadres.codes import PersonnelStatus
from cadres.permissions import can_see_cadre
from training.models import CadreYearHours, Enrolment, TrainingProgramme, TrainingSettings

CANNOT_EDIT_PROGRAMME = "您没有维护培训项目的权限。"
CANNOT_ENROL = "您没有登记参训人员的权限。"
CANNOT_RECORD = "您没有登记考勤和结业的权限。"
CANNOT_EDIT_SETTINGS = "您没有修改教育培养设置的权限。"
NOT_IN_SCOPE = "该干部不在您的管辖范围内。"
ALREADY_ENROLLED = "{name}已报名参加该培训，不能重复报名。"
NOT_IN_SERVICE = "{name}不是在职干部，不能报名参加培训。"
NOTHING_CHOSEN = "请至少选择一名干部。"
WITHDRAWN_CLOSED = "{name}已退训，不能再登记考勤或结业。"
ATTENDED_OVER = "出勤学时不能超过培训项目的学时（{hours}学时）。"
CREDIT_OVER = "认定学时不能超过培训项目的学时（{hours}学时）。"
CREDIT_POSITIVE = "认定学时应大于0。"
CREDITED_BEFORE_START = "结业日期不能早于培训开始日期（{date:%Y-%m-%d}）。"
CREDITED_IN_FUTURE = "结业日期不能晚于今天。"
CANNOT_WITHDRAW_COMPLETED = "{name}已结业，不能退训；如结业有误，请先标记为未结业。"
ALREADY_IN_STATE = "{name}已是“{state}”状态。"
END_BEFORE_START = "结束日期不能早于开始日期。"
HOURS_BELOW_CREDITED = "已有学员按{hours}学时结业，培训项目的学时不能少于此数。"
DATES_BEFORE_CREDITED = "已有学员在{date:%Y-%m-%d}结业，培训开始日期不能晚于此日。"

State = Enrolment.State


# --- the yearly hours (CadreYearHours) ---------------------------------------------------------------


def hours_recompute(pairs: Iterable[tuple[int, int]]) -> None:
    """Rewrite the ``CadreYearHours`` rows of ``pairs`` ((cadre_id, year)) from the SQL sum of completed enrolments.

    One grouped query for all the pairs, then one delete of the pairs left empty and one upsert of the rest:
    the cost does not depend on how many enrolments the cadres have. Call inside the writing transaction.
    """
    pairs = set(pairs)
    if not pairs:
        return
    cadre_ids = {cadre_id for cadre_id, _ in pairs}
    years = {year for _, year in pairs}
    sums = (Enrolment.objects.filter(state=State.COMPLETED, cadre_id__in=cadre_ids, credited_on__year__in=years)
            .annotate(year=ExtractYear("credited_on")).values("cadre_id", "year")
            .annotate(total=Sum("hours"), count=Count("id"),
                      appointment=Sum("hours", filter=Q(programme__kind=TrainingProgramme.Kind.APPOINTMENT)))
            .order_by())
    found = {(row["cadre_id"], row["year"]): row for row in sums if (row["cadre_id"], row["year"]) in pairs}
    empty = pairs - found.keys()
    if empty:
        condition = Q()
        for cadre_id, year in empty:
            condition |= Q(cadre_id=cadre_id, year=year)
        CadreYearHours.objects.filter(condition).delete()
    if found:
        CadreYearHours.objects.bulk_create(
            [CadreYearHours(cadre_id=cadre_id, year=year, hours=row["total"], programmes=row["count"],
                            appointment_hours=row["appointment"] or Decimal(0))
             for (cadre_id, year), row in found.items()],
            update_conflicts=True, unique_fields=["cadre", "year"],
            update_fields=["hours", "programmes", "appointment_hours"])


def _year_of(enrolment: Enrolment) -> int | None:
    return enrolment.credited_on.year if enrolment.state == State.COMPLETED and enrolment.credited_on else None


@transaction.atomic
def rebuild_training_hours() -> int:
    """Rebuild every ``CadreYearHours`` row from the enrolments (for safety); return how many rows there are.

    A derived table with no history: emptied and refilled from one grouped query, in batches.
    """
    CadreYearHours.objects.all().delete()
    sums = (Enrolment.objects.filter(state=State.COMPLETED)
            .annotate(year=ExtractYear("credited_on")).values("cadre_id", "year")
            .annotate(total=Sum("hours"), count=Count("id"),
                      appointment=Sum("hours", filter=Q(programme__kind=TrainingProgramme.Kind.APPOINTMENT)))
            .order_by())
    batch, written = [], 0
    for row in sums.iterator(chunk_size=5000):
        batch.append(CadreYearHours(cadre_id=row["cadre_id"], year=row["year"], hours=row["total"],
                                    programmes=row["count"], appointment_hours=row["appointment"] or Decimal(0)))
        if len(batch) >= 5000:
            CadreYearHours.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    CadreYearHours.objects.bulk_create(batch)
    return written + len(batch)


# --- programmes -------------------------------------------------------------------------------------


@transaction.atomic
def programme_save(*, actor, programme: TrainingProgramme, reason: str = "") -> TrainingProgramme:
    """Add or change a programme; a change may not cut its 学时 or move its start past what was already credited."""
    adding = programme._state.adding
    if not actor.has_perm("training.add_trainingprogramme" if adding else "training.change_trainingprogramme"):
        raise ValidationError(CANNOT_EDIT_PROGRAMME)
    if programme.start_date and programme.end_date and programme.end_date < programme.start_date:
        raise ValidationError({"end_date": END_BEFORE_START})
    if adding:
        programme.created_by = actor
    else:
        TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        credited = Enrolment.objects.filter(programme=programme, state=State.COMPLETED).aggregate(
            top=Max("hours"), first=Min("credited_on"))
        if credited["top"] is not None and programme.hours is not None and credited["top"] > programme.hours:
            raise ValidationError({"hours": HOURS_BELOW_CREDITED.format(hours=_hours(credited["top"]))})
        if credited["first"] and programme.start_date and credited["first"] < programme.start_date:
            raise ValidationError({"start_date": DATES_BEFORE_CREDITED.format(date=credited["first"])})
    tracked_save(programme, actor=actor, reason=reason or ("新增培训项目" if adding else "修改培训项目"))
    audit_record(Event.CREATE if adding else Event.UPDATE, actor=actor, obj=programme,
                 detail={"record": "培训项目", "hours": str(programme.hours)})
    return programme


# --- enrolments -------------------------------------------------------------------------------------


def _check_scope(actor, cadre) -> None:
    if not can_see_cadre(actor, cadre):
        raise ValidationError(NOT_IN_SCOPE)


@transaction.atomic
def enrolments_add(*, actor, programme: TrainingProgramme, cadres) -> list[Enrolment]:
    """Enrol ``cadres`` in ``programme`` (each once, each in the actor's scope and in service), all or none."""
    if not actor.has_perm("training.add_enrolment"):
        raise ValidationError(CANNOT_ENROL)
    cadres = list(cadres)
    if not cadres:
        raise ValidationError(NOTHING_CHOSEN)
    programme = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
    taken = set(Enrolment.objects.filter(programme=programme, cadre__in=cadres).values_list("cadre_id", flat=True))
    created = []
    for cadre in cadres:
        _check_scope(actor, cadre)
        if cadre.pk in taken:
            raise ValidationError(ALREADY_ENROLLED.format(name=cadre.name))
        if cadre.status != PersonnelStatus.ACTIVE:
            raise ValidationError(NOT_IN_SERVICE.format(name=cadre.name))
        enrolment = Enrolment(programme=programme, cadre=cadre)
        tracked_save(enrolment, actor=actor, reason="报名参加培训")
        taken.add(cadre.pk)
        created.append(enrolment)
    audit_record(Event.CREATE, actor=actor, obj=programme,
                 detail={"record": "参训记录", "action": "报名", "cadres": [c.pk for c in cadres]})
    return created


def _locked(*, actor, enrolment: Enrolment, permission: str = "training.change_enrolment") -> Enrolment:
    """Lock and re-read ``enrolment``; refuse unless ``actor`` may record it and the cadre is in scope."""
    if not actor.has_perm(permission):
        raise ValidationError(CANNOT_RECORD)
    enrolment = Enrolment.objects.select_for_update().select_related("programme", "cadre").get(pk=enrolment.pk)
    _check_scope(actor, enrolment.cadre)
    return enrolment


def _not_withdrawn(enrolment: Enrolment) -> None:
    if enrolment.state == State.WITHDRAWN:
        raise ValidationError(WITHDRAWN_CLOSED.format(name=enrolment.cadre.name))


def _check_attended(enrolment: Enrolment, attended_hours) -> None:
    if attended_hours is not None and attended_hours > enrolment.programme.hours:
        raise ValidationError({"attended_hours": ATTENDED_OVER.format(hours=_hours(enrolment.programme.hours))})


def _hours(value: Decimal) -> str:
    """Return 学时 as people write them: 90, 7.5 (never 90.0)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _audit(actor, enrolment: Enrolment, action: str, **detail) -> None:
    audit_record(Event.WORKFLOW, actor=actor, obj=enrolment.cadre,
                 detail={"record": "参训记录", "enrolment_id": enrolment.pk, "programme": enrolment.programme.name,
                         "action": action, **{k: str(v) for k, v in detail.items()}})


@transaction.atomic
def enrolment_record_attendance(*, actor, enrolment: Enrolment, attended_hours: Decimal | None, absences: int,
                                note: str = "") -> Enrolment:
    """Record a cadre's attendance: 出勤学时 (at most the programme's) and 缺勤次数."""
    enrolment = _locked(actor=actor, enrolment=enrolment)
    _not_withdrawn(enrolment)
    _check_attended(enrolment, attended_hours)
    enrolment.attended_hours, enrolment.absences = attended_hours, absences
    if note:
        enrolment.note = note
    tracked_save(enrolment, actor=actor, reason="登记考勤", update_fields=["attended_hours", "absences", "note"])
    _audit(actor, enrolment, "登记考勤", attended_hours=attended_hours, absences=absences)
    return enrolment


def _complete(*, actor, enrolment: Enrolment, hours, credited_on, certificate_no: str, today: dt.date) -> Enrolment:
    programme = enrolment.programme
    hours = programme.hours if hours is None else hours
    credited_on = credited_on or programme.end_date
    if hours <= 0:
        raise ValidationError({"hours": CREDIT_POSITIVE})
    if hours > programme.hours:
        raise ValidationError({"hours": CREDIT_OVER.format(hours=_hours(programme.hours))})
    if credited_on < programme.start_date:
        raise ValidationError({"credited_on": CREDITED_BEFORE_START.format(date=programme.start_date)})
    if credited_on > today:
        raise ValidationError({"credited_on": CREDITED_IN_FUTURE})
    old_year = _year_of(enrolment)
    enrolment.state, enrolment.hours, enrolment.credited_on = State.COMPLETED, hours, credited_on
    if certificate_no:
        enrolment.certificate_no = certificate_no
    tracked_save(enrolment, actor=actor, reason="结业认定学时")
    hours_recompute({(enrolment.cadre_id, year) for year in (old_year, credited_on.year) if year})
    _audit(actor, enrolment, "结业", hours=hours, credited_on=credited_on)
    return enrolment


@transaction.atomic
def enrolment_complete(*, actor, enrolment: Enrolment, hours: Decimal | None = None,
                       credited_on: dt.date | None = None, certificate_no: str = "",
                       today: dt.date | None = None) -> Enrolment:
    """Complete an enrolment: credit the programme's 学时 (or ``hours``) on ``credited_on`` (default: its last day).

    Completing a completed enrolment corrects it; the hours leave the old year and count in the new one.
    """
    enrolment = _locked(actor=actor, enrolment=enrolment)
    _not_withdrawn(enrolment)
    return _complete(actor=actor, enrolment=enrolment, hours=hours, credited_on=credited_on,
                     certificate_no=(certificate_no or "").strip(), today=today or timezone.localdate())


def _uncredit(*, actor, enrolment: Enrolment, state: str, reason: str, note: str) -> Enrolment:
    old_year = _year_of(enrolment)
    enrolment.state, enrolment.hours, enrolment.credited_on = state, None, None
    if note:
        enrolment.note = note
    tracked_save(enrolment, actor=actor, reason=reason)
    if old_year:
        hours_recompute({(enrolment.cadre_id, old_year)})
    _audit(actor, enrolment, reason, note=note)
    return enrolment


@transaction.atomic
def enrolment_mark_incomplete(*, actor, enrolment: Enrolment, note: str = "") -> Enrolment:
    """Mark an enrolment 未结业 (from 已报名, or correcting a completion: its 学时 leave that year)."""
    enrolment = _locked(actor=actor, enrolment=enrolment)
    _not_withdrawn(enrolment)
    if enrolment.state == State.INCOMPLETE:
        raise ValidationError(ALREADY_IN_STATE.format(name=enrolment.cadre.name, state=State.INCOMPLETE.label))
    return _uncredit(actor=actor, enrolment=enrolment, state=State.INCOMPLETE, reason="标记未结业",
                     note=(note or "").strip())


@transaction.atomic
def enrolment_withdraw(*, actor, enrolment: Enrolment, note: str = "") -> Enrolment:
    """Withdraw a cadre from a programme (退训); a completed enrolment must be marked 未结业 first."""
    enrolment = _locked(actor=actor, enrolment=enrolment)
    if enrolment.state == State.WITHDRAWN:
        raise ValidationError(ALREADY_IN_STATE.format(name=enrolment.cadre.name, state=State.WITHDRAWN.label))
    if enrolment.state == State.COMPLETED:
        raise ValidationError(CANNOT_WITHDRAW_COMPLETED.format(name=enrolment.cadre.name))
    return _uncredit(actor=actor, enrolment=enrolment, state=State.WITHDRAWN, reason="退训", note=(note or "").strip())


# --- settings ---------------------------------------------------------------------------------------


@transaction.atomic
def training_settings_save(*, actor, settings: TrainingSettings) -> TrainingSettings:
    """Save the one row of training's settings (every part of the app reads it)."""
    if not actor.has_perm("training.change_trainingsettings"):
        raise ValidationError(CANNOT_EDIT_SETTINGS)
    settings.pk = TrainingSettings.SINGLETON_PK
    adding = not TrainingSettings.objects.filter(pk=settings.pk).exists()
    settings._state.adding = adding
    tracked_save(settings, actor=actor, reason="修改教育培养设置")
    audit_record(Event.UPDATE, actor=actor, obj=settings, detail={"record": "教育培养设置"})
    return settings
