"""Entering a year's official holiday arrangement (节假日安排), which ``selection.workdays`` then reads."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_delete, tracked_save
from selection.models import CalendarDay, CalendarYear

DUPLICATE_DAY = "{date:%Y-%m-%d}重复录入"
NO_DAYS = "请录入{year}年的法定节假日及调休上班日期"


@transaction.atomic
def calendar_year_save(
    *, actor, year: int, days: list[tuple[dt.date, str, str]], note: str = ""
) -> CalendarYear:
    """Record ``year``'s official arrangement as ``days`` of ``(date, kind, name)``, replacing what was entered.

    Unchanged days are kept, changed ones updated, missing ones deleted, each with a history row naming
    ``actor``; the whole change is one audit row on the year. Either all of it is saved or, on any invalid
    day, nothing.
    """
    wanted: dict[dt.date, tuple[str, str]] = {}
    errors = []
    for day, kind, name in days:
        if day in wanted:
            errors.append(DUPLICATE_DAY.format(date=day))
        wanted[day] = (kind, (name or "").strip())
    if not wanted:
        errors.append(NO_DAYS.format(year=year))
    if errors:
        raise ValidationError({"days": errors})

    calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    created = calendar_year is None
    reason = "录入节假日安排" if created else "修改节假日安排"
    if created:
        calendar_year = CalendarYear(year=year)
    calendar_year.entered_by = actor
    calendar_year.entered_at = timezone.now()
    calendar_year.note = note.strip()
    tracked_save(calendar_year, actor=actor, reason=reason)

    existing = {} if created else {row.date: row for row in calendar_year.days.all()}
    to_save = []
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.pop(day, None)
        if row is None:
            row = CalendarDay(year=calendar_year, date=day, kind=kind, name=name)
        elif (row.kind, row.name) == (kind, name):
            continue
        else:
            row.kind, row.name = kind, name
        try:
            row.full_clean(exclude=["year"])  # the year was saved just above
        except ValidationError as exc:
            errors.extend(f"{day:%Y-%m-%d}：{message}" for message in exc.messages)
        to_save.append(row)
    if errors:
        raise ValidationError({"days": errors})

    removed = sorted(existing)
    for row in existing.values():
        tracked_delete(row, actor=actor, reason=reason)
    added = [row.date for row in to_save if row.pk is None]
    changed = [row.date for row in to_save if row.pk is not None]
    for row in to_save:
        tracked_save(row, actor=actor, reason=reason, clean=False)

    audit_record(
        Event.UPDATE,
        actor=actor,
        obj=calendar_year,
        detail={
            "reason": reason,
            "added": [day.isoformat() for day in added],
            "changed": [day.isoformat() for day in changed],
            "removed": [day.isoformat() for day in removed],
        },
    )
    return calendar_year
