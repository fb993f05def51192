"""Statutory retirement (docs/definitions.md, 法定退休时间; docs/reports.md section 1).

The rule lives in ``statutory_retirement_month``, and only there. Everything else here is derived
from it by walking birth months, never typed in by hand:

- ``Cadre.retirement_month`` stores each cadre's month, set from this rule whenever the model is
  saved or cleaned (the roster import), with an index the 到龄退休 list filters and sorts on;
- ``latest_birth_month_retiring_by(horizon, gender)`` inverts the rule (it is monotone in the birth
  month): the latest birth month retiring by a given month, for the docs' worked examples and tests.

A month is written as an ordinal ``year * 12 + (month - 1)``; a retirement month is returned as
the first day of that month.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from cadres.codes import Gender

# (base age in years, first birth month whose retirement is delayed) under the NPC Standing
# Committee decision of 2024-09-13, in force 2025-01-01. Women cadres: 原法定退休年龄55周岁.
BASE_AGE = {Gender.MALE: 60, Gender.FEMALE: 55}
DELAY_FROM = {Gender.MALE: (1965, 1), Gender.FEMALE: (1970, 1)}
MONTHS_PER_STEP = 4  # one month of delay for every four months of birth
MAX_DELAY = 36


def month_ordinal(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_from_ordinal(ordinal: int) -> dt.date:
    return dt.date(ordinal // 12, ordinal % 12 + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the first day of the month ``months`` after ``day``'s month."""
    return month_from_ordinal(month_ordinal(day) + months)


def delay_months(birth_date: dt.date, gender: str) -> int:
    """Return the months by which the reform delays retirement for a birth in ``birth_date``'s month."""
    start_year, start_month = DELAY_FROM[gender]
    since_start = month_ordinal(birth_date) - (start_year * 12 + start_month - 1)
    if since_start < 0:
        return 0
    return min(MAX_DELAY, since_start // MONTHS_PER_STEP + 1)


def statutory_retirement_month(birth_date: dt.date, gender: str) -> dt.date:
    """Return the first day of the month in which a cadre born on ``birth_date`` reaches retirement.

    Men 60, women cadres 55, plus one month for every four months of birth from January 1965
    (men) or January 1970 (women), at most 36 months: a man born 1965-01 retires in 2025-02, one
    born 1976-09 or later at 63; a woman born 1981-09 or later at 58.
    """
    gender = Gender(gender)
    return add_months(birth_date, BASE_AGE[gender] * 12 + delay_months(birth_date, gender))


def latest_birth_month_retiring_by(horizon: dt.date, gender: str) -> dt.date:
    """Return the first day of the latest birth month whose retirement month is on or before ``horizon``'s month.

    The retirement month never decreases as the birth month grows (the delay grows by at most one
    month per four months of birth), so everyone born in that month or earlier retires by the
    horizon and everyone born later after it. Found by stepping back from the month the base age
    alone would give (at most ``MAX_DELAY`` + 1 steps).
    """
    gender = Gender(gender)
    target = month_ordinal(horizon)
    birth = target - BASE_AGE[gender] * 12
    while month_ordinal(statutory_retirement_month(month_from_ordinal(birth), gender)) > target:
        birth -= 1
    return month_from_ordinal(birth)


def retiring_by(horizon: dt.date) -> Q:
    """Cadres whose statutory retirement month is on or before ``horizon``'s month (the stored column)."""
    return Q(retirement_month__lte=horizon.replace(day=1))


def months_until_retirement(birth_date: dt.date, gender: str, on: dt.date) -> int:
    """Return the months from ``on``'s month to the retirement month: negative when it has passed."""
    return month_ordinal(statutory_retirement_month(birth_date, gender)) - month_ordinal(on)


def is_overdue(birth_date: dt.date, gender: str, on: dt.date) -> bool:
    """Overdue on ``on``: the retirement month has already passed (it is before ``on``'s month)."""
    return months_until_retirement(birth_date, gender, on) < 0


@dataclass(frozen=True)
class Outlook:
    """A cadre's statutory retirement month seen from a day: how many months are left, or overdue."""

    month: dt.date
    months_left: int  # negative: the month has passed

    @property
    def overdue(self) -> bool:
        return self.months_left < 0

    @property
    def months_overdue(self) -> int:
        return -self.months_left if self.overdue else 0

    @property
    def text(self) -> str:
        """距退休 N 个月, 本月到龄 or 已超期 N 个月."""
        if self.overdue:
            return f"已超期 {self.months_overdue} 个月"
        return "本月到龄" if self.months_left == 0 else f"距退休 {self.months_left} 个月"


def outlook(birth_date: dt.date, gender: str, on: dt.date) -> Outlook:
    """Return the statutory retirement month of a cadre and where ``on`` stands against it."""
    month = statutory_retirement_month(birth_date, gender)
    return Outlook(month=month, months_left=month_ordinal(month) - month_ordinal(on))


def default_retire_date(birth_date: dt.date, gender: str) -> dt.date:
    """Return the default 退休时间 of 办理退休: the first day after the statutory retirement month.

    A cadre works through the month they reach retirement age and leaves service (status_date,
    the first day not in service) on the 1st of the next month, from when the pension is paid.
    """
    return add_months(statutory_retirement_month(birth_date, gender), 1)


def due_order() -> list:
    """The 到龄退休 order: retirement month (so the overdue come first), then name, then pk: an index's order."""
    return ["retirement_month", "name_pinyin", "pk"]


def due_cadres(queryset, *, as_of: dt.date, months: int):
    """Return the cadres of ``queryset`` in service on ``as_of`` whose retirement month is at most ``months`` ahead.

    The month passed, they are overdue and come first (the order is the retirement month). Filter
    and order are on the stored ``Cadre.retirement_month`` (kept by the model from this module's
    rule) and its index: the first page reads fifty index entries, whatever the size of the roster.
    """
    horizon = add_months(as_of, months)
    return queryset.in_service_on(as_of).filter(retiring_by(horizon)).order_by(*due_order())
