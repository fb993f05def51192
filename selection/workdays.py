"""Working days under China's official holiday calendar, and the time limits of selection that use them.

Where a date's answer comes from, in order:

1. a year staff entered (``CalendarYear``): its ``CalendarDay`` rows name the holidays and the adjusted
   working weekend days; every other date is a working day Monday to Friday and a rest day at weekends;
2. else the ``chinese_calendar`` package, which knows the years published before its release;
3. else nothing: ``UnknownCalendarYear`` is raised. A working day is never guessed, because a wrong guess
   silently shortens a 公示 or an inspection notice.

Each question is answered by a ``WorkdayCalendar``, which reads a year's entered days once (one query)
and keeps them for the rest of the call; the functions below make a fresh one per call unless given one,
so a page that asks many questions can pass its own and still pay one query per year.

Time limits (docs/selection.md):

- 公示 (step 14) lasts at least 5 working days. A notice states its period as two dates, "from ``start``
  to ``end``", both included, and that is how its working days are counted: the publication day counts when
  it is a working day (a notice put up on Tuesday morning is on view that working day), and a notice put up
  on a rest day starts counting on the next working day. So ``publicity_end(start)`` is the date of the fifth
  working day counted from ``start`` itself, and ``publicity_is_long_enough(start, end)`` checks that the
  stated period holds at least five working days. This is the reading of the notices personnel offices
  publish ("公示时间：2026年9月29日至10月10日") and the stricter choice would add a working day nobody
  counts in practice; a period that merely spans five calendar days over a holiday is refused either way.
- 考察预告 (step 8) is issued 1 to 3 working days before the inspection: the inspection falls after the notice
  day and no later than the third working day after it, so a notice on Friday for a Monday inspection is one
  working day ahead and a notice on the day of the inspection is none.
"""

import datetime as dt

import chinese_calendar
from django.core.exceptions import ValidationError

from selection.models import CalendarDay, CalendarYear

UNKNOWN_CALENDAR_YEAR = "{year}年的法定节假日安排尚未录入，请先在“节假日安排”中录入后再计算工作日。"

_ONE_DAY = dt.timedelta(days=1)


class UnknownCalendarYear(ValidationError):
    """A date falls in a year that staff have not entered and the holiday package does not know."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(UNKNOWN_CALENDAR_YEAR.format(year=year), code="unknown_calendar_year")


def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """Tell working days from rest days, reading each year's entered days at most once."""

    def __init__(self):
        # year -> {date: is_working_day} of an entered year, or None where the package answers.
        self._years: dict[int, dict[dt.date, bool] | None] = {}

    def _entered_days(self, year: int) -> dict[dt.date, bool] | None:
        if year in self._years:
            return self._years[year]
        # One query: the year joined to its days; no row means not entered, (None, None) an entered year
        # without exceptions.
        rows = list(CalendarYear.objects.filter(year=year).values_list("days__date", "days__kind"))
        if rows:
            entered = {day: kind == CalendarDay.Kind.WORKDAY for day, kind in rows if day is not None}
        elif _package_knows(year):
            entered = None
        else:
            raise UnknownCalendarYear(year)
        self._years[year] = entered
        return entered

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day; raise ``UnknownCalendarYear`` if its year is unknown."""
        if isinstance(day, dt.datetime):
            # A datetime's day depends on its time zone: the caller decides which day it means.
            raise TypeError("expected a date, not a datetime")
        entered = self._entered_days(day.year)
        if entered is None:
            return chinese_calendar.is_workday(day)
        if day in entered:
            return entered[day]
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """Return the ``n``-th working day after ``start`` (``start`` itself not counted; ``start`` for 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Return the number of working days from ``first`` to ``last``, both included (0 if ``last`` is earlier)."""
        count = 0
        day = first
        while day <= last:
            count += self.is_working_day(day)
            day += _ONE_DAY
        return count


def _calendar(calendar: WorkdayCalendar | None) -> WorkdayCalendar:
    return calendar if calendar is not None else WorkdayCalendar()


def is_working_day(day: dt.date, *, calendar: WorkdayCalendar | None = None) -> bool:
    """Return whether ``day`` is a working day under the official calendar."""
    return _calendar(calendar).is_working_day(day)


def add_working_days(start: dt.date, n: int, *, calendar: WorkdayCalendar | None = None) -> dt.date:
    """Return the ``n``-th working day after ``start``, not counting ``start`` itself."""
    return _calendar(calendar).add_working_days(start, n)


def working_days_between(first: dt.date, last: dt.date, *, calendar: WorkdayCalendar | None = None) -> int:
    """Return the number of working days from ``first`` to ``last``, both included."""
    return _calendar(calendar).working_days_between(first, last)


def publicity_end(start: dt.date, days: int = 5, *, calendar: WorkdayCalendar | None = None) -> dt.date:
    """Return the last day of a 公示 put up on ``start`` and lasting ``days`` working days.

    ``start`` counts as the first of them when it is a working day (see the module's docstring).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    cal = _calendar(calendar)
    if cal.is_working_day(start):
        return cal.add_working_days(start, days - 1)
    return cal.add_working_days(start, days)


def publicity_is_long_enough(
    start: dt.date, end: dt.date, minimum: int = 5, *, calendar: WorkdayCalendar | None = None
) -> bool:
    """Return whether a 公示 from ``start`` to ``end`` (both included) lasts at least ``minimum`` working days."""
    if end < start:
        return False
    return _calendar(calendar).working_days_between(start, end) >= minimum


def inspection_notice_ok(
    notice_date: dt.date, inspection_date: dt.date, *, calendar: WorkdayCalendar | None = None
) -> bool:
    """Return whether a 考察预告 issued on ``notice_date`` is 1 to 3 working days before ``inspection_date``.

    That is: at least one and at most three working days fall after the notice day, up to and including the
    inspection day. Only the few days after the notice are looked at, however distant the inspection.
    """
    if inspection_date <= notice_date:
        return False
    cal = _calendar(calendar)
    earliest = cal.add_working_days(notice_date, 1)
    if inspection_date < earliest:
        return False  # e.g. Friday's notice for a Saturday inspection: no working day in between
    return inspection_date < cal.add_working_days(earliest, 3)
