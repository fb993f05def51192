"""What every part of the monthly report counts over: the scope's units, the month's bounds, the two levels."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cadre_office.reports.structure import _scoped
from cadres.codes import LeadershipLevel
from cadres.models import Department

SECTION_LEVELS = (LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY)
LEVEL_LABELS = {LeadershipLevel.TOWNSHIP_CHIEF: "正科", LeadershipLevel.TOWNSHIP_DEPUTY: "副科"}


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the first day of the month ``months`` after ``day``'s month (negative: before)."""
    ordinal = day.year * 12 + day.month - 1 + months
    return dt.date(ordinal // 12, ordinal % 12 + 1, 1)


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware datetimes from ``first`` 00:00 to the day after ``last`` 00:00 (local time)."""
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    return start, end


class Scope:
    """The report's units: ``departments`` (None: the bureau), with every unit's name and path read once."""

    def __init__(self, departments):
        self.departments = departments
        self.units = {pk: (name, path) for pk, name, path in Department.objects.values_list("pk", "name", "path")}
        prefixes = None if departments is None else [d.path for d in departments]
        self.ids = {pk for pk, (_, path) in self.units.items()
                    if prefixes is None or any(path.startswith(prefix) for prefix in prefixes)}

    def name(self, pk) -> str:
        return self.units.get(pk, ("", ""))[0]

    def holds(self, department_id) -> bool:
        return department_id in self.ids

    def cadres(self):
        return _scoped(self.departments)

    def q(self, prefix: str = "") -> Q:
        """Rows whose ``<prefix>department`` is in the scope (everything for the bureau)."""
        if self.departments is None:
            return Q()
        return Q(**{f"{prefix}department_id__in": sorted(self.ids)})
