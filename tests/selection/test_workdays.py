"""Working days under the official holiday calendar (docs/selection.md: 公示, 考察预告).

2026 comes from chinese-calendar 1.11, which holds the State Council's arrangement: National Day and the
holiday 2026-10-01 (Thu) to 10-07 (Wed), back to work on Thursday 10-08, with Sunday 2026-09-20 and
Saturday 2026-10-10 made working days; Mid-autumn 2026-09-25 to 09-27. The package knows nothing of 2027.
"""

import datetime as dt

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError

from cadre_office.audit.models import AuditEvent
from selection.models import CalendarDay, CalendarYear
from selection.models.calendar import DAY_OUTSIDE_YEAR, WORKDAY_NOT_WEEKEND
from selection.services import calendar_year_save
from selection.services.calendar import DUPLICATE_DAY, NO_DAYS
from selection.workdays import (
    UNKNOWN_CALENDAR_YEAR,
    UnknownCalendarYear,
    WorkdayCalendar,
    add_working_days,
    inspection_notice_ok,
    is_working_day,
    publicity_end,
    publicity_is_long_enough,
    working_days_between,
)

D = dt.date
HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY

pytestmark = pytest.mark.django_db

# Test data for 2027, which is not published in the package: New Year on Friday 2027-01-01 with the weekend,
# and a Saturday made a working day (made up, to see that an entered adjusted workday counts).
DAYS_2027 = [
    (D(2027, 1, 1), HOLIDAY, "元旦"),
    (D(2027, 1, 2), HOLIDAY, "元旦"),
    (D(2027, 1, 3), HOLIDAY, "元旦"),
    (D(2027, 1, 9), WORKDAY, "测试调休"),
]


def days_between(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


# --- the package's 2026 --------------------------------------------------------------------------------


def test_package_holds_the_2026_national_day_arrangement_these_tests_rely_on():
    def national_day(table):
        return sorted(day for day, name in table.items() if name == "National Day" and day.year == 2026)

    assert national_day(chinese_calendar.holidays) == list(days_between(D(2026, 10, 1), D(2026, 10, 7)))
    assert national_day(chinese_calendar.workdays) == [D(2026, 9, 20), D(2026, 10, 10)]  # a Sunday and a Saturday


def test_national_day_holiday_is_not_a_working_day_and_its_adjusted_weekend_days_are():
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert is_working_day(D(2026, 10, 8))  # Thursday, back to work
    assert is_working_day(D(2026, 10, 10))  # Saturday, adjusted workday
    assert is_working_day(D(2026, 9, 20))  # Sunday, adjusted workday
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert not is_working_day(D(2026, 9, 25))  # Mid-autumn, a Friday


def test_publicity_from_29_september_skips_the_holiday_and_counts_the_adjusted_saturday():
    # 9-29 (Tue), 9-30, [10-01 … 10-07 holiday], 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, adjusted workday)
    assert publicity_end(D(2026, 9, 29)) == D(2026, 10, 10)
    assert working_days_between(D(2026, 9, 29), D(2026, 10, 10)) == 5
    assert publicity_is_long_enough(D(2026, 9, 29), D(2026, 10, 10))
    assert not publicity_is_long_enough(D(2026, 9, 29), D(2026, 10, 9))


def test_publicity_of_five_calendar_days_over_the_holiday_is_refused():
    assert not publicity_is_long_enough(D(2026, 9, 29), D(2026, 10, 3))
    assert not publicity_is_long_enough(D(2026, 10, 1), D(2026, 10, 7))


def test_publicity_put_up_on_a_rest_day_starts_counting_on_the_next_working_day():
    # 10-03 is a holiday Saturday: 10-08, 10-09, 10-10 (adjusted), 10-12, 10-13
    assert publicity_end(D(2026, 10, 3)) == D(2026, 10, 13)


@pytest.mark.parametrize("start", [D(2026, 9, 18), D(2026, 9, 24), D(2026, 9, 29), D(2026, 10, 3), D(2026, 12, 1)])
def test_publicity_end_is_the_first_day_long_enough(start):
    end = publicity_end(start)
    assert publicity_is_long_enough(start, end)
    assert not publicity_is_long_enough(start, end - dt.timedelta(days=1))
    assert publicity_end(start, days=7) > end


def test_publicity_ending_before_it_starts_is_not_long_enough():
    assert not publicity_is_long_enough(D(2026, 10, 10), D(2026, 9, 29), minimum=0)


def test_add_working_days_does_not_count_the_start():
    assert add_working_days(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)  # the adjusted Saturday
    with pytest.raises(ValueError):
        add_working_days(D(2026, 9, 30), -1)


def test_a_datetime_is_refused_rather_than_read_in_some_time_zone():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 10, 8, 9, 0))


# --- a year nobody has entered ---------------------------------------------------------------------------


def test_a_date_in_2027_without_an_entry_is_refused_with_a_chinese_message():
    with pytest.raises(UnknownCalendarYear) as caught:
        is_working_day(D(2027, 3, 1))
    assert caught.value.year == 2027
    assert caught.value.messages == [UNKNOWN_CALENDAR_YEAR.format(year=2027)]
    assert caught.value.messages[0].startswith("2027年的法定节假日安排尚未录入")
    assert isinstance(caught.value, ValidationError)  # forms and services show it like any validation error


def test_a_publicity_running_into_an_unknown_year_is_refused_not_guessed():
    # 12-28 … 12-31 are four working days; the fifth lies in 2027.
    with pytest.raises(UnknownCalendarYear):
        publicity_end(D(2026, 12, 28))
    with pytest.raises(UnknownCalendarYear):
        publicity_is_long_enough(D(2026, 12, 28), D(2027, 1, 4))


# --- years entered by staff ------------------------------------------------------------------------------


def test_after_2027_is_entered_the_computation_honours_its_days(actor):
    calendar_year_save(actor=actor, year=2027, days=DAYS_2027, note="测试数据")
    assert not is_working_day(D(2027, 1, 1))
    assert not is_working_day(D(2027, 1, 2))
    assert is_working_day(D(2027, 1, 4))  # an ordinary Monday
    assert not is_working_day(D(2027, 1, 10))  # an ordinary Sunday
    assert is_working_day(D(2027, 1, 9))  # the entered adjusted Saturday
    # 12-28 … 12-31 (4), 2027-01-01 … 01-03 off, 01-04 the fifth
    assert publicity_end(D(2026, 12, 28)) == D(2027, 1, 4)
    # 01-06, 01-07, 01-08, 01-09 (adjusted Saturday), 01-11
    assert publicity_end(D(2027, 1, 6)) == D(2027, 1, 11)
    assert publicity_is_long_enough(D(2027, 1, 6), D(2027, 1, 11))


def test_an_entered_2026_overrides_the_package_for_the_whole_year(actor):
    # As if the arrangement had changed: holiday through 10-08 and no adjusted workdays.
    days = [(day, HOLIDAY, "国庆节") for day in days_between(D(2026, 10, 1), D(2026, 10, 8))]
    calendar_year_save(actor=actor, year=2026, days=days)
    assert not is_working_day(D(2026, 10, 8))
    assert not is_working_day(D(2026, 10, 10))  # a plain Saturday now
    assert not is_working_day(D(2026, 9, 20))  # a plain Sunday now
    assert is_working_day(D(2026, 9, 25))  # the package's Mid-autumn holiday was not entered
    # 9-29, 9-30, 10-09, 10-12, 10-13
    assert publicity_end(D(2026, 9, 29)) == D(2026, 10, 13)


# --- 考察预告 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice", "inspection", "ok"),
    [
        (D(2026, 3, 12), D(2026, 3, 12), False),  # Thursday, same day: 0 working days ahead
        (D(2026, 3, 12), D(2026, 3, 13), True),  # Friday: 1
        (D(2026, 3, 12), D(2026, 3, 17), True),  # Tuesday after the weekend: 3
        (D(2026, 3, 12), D(2026, 3, 18), False),  # Wednesday: 4
        (D(2026, 3, 13), D(2026, 3, 16), True),  # Friday's notice, Monday's inspection: 1
        (D(2026, 3, 13), D(2026, 3, 14), False),  # Friday's notice, Saturday's inspection: no working day between
        (D(2026, 3, 13), D(2026, 3, 18), True),  # Friday to Wednesday: 3
        (D(2026, 3, 13), D(2026, 3, 19), False),  # Friday to Thursday: 4
        (D(2026, 3, 17), D(2026, 3, 12), False),  # inspection before the notice
        (D(2026, 9, 30), D(2026, 10, 8), True),  # over National Day: 1
        (D(2026, 9, 30), D(2026, 10, 12), False),  # 10-08, 10-09, 10-10 (adjusted), 10-12: 4
    ],
)
def test_inspection_notice_is_one_to_three_working_days_ahead(notice, inspection, ok):
    assert inspection_notice_ok(notice, inspection) is ok


def test_inspection_notice_for_a_far_inspection_is_refused_without_reading_its_year():
    assert not inspection_notice_ok(D(2026, 3, 12), D(2030, 1, 1))


# --- queries ---------------------------------------------------------------------------------------------


def test_a_thirty_day_span_costs_one_query_per_year(actor, django_assert_max_num_queries):
    calendar_year_save(actor=actor, year=2027, days=DAYS_2027)
    # One year: one query for its entered days (none: the package answers).
    with django_assert_max_num_queries(1):
        assert working_days_between(D(2026, 9, 15), D(2026, 10, 14)) == 18
    # Two years: one query each, however many days.
    with django_assert_max_num_queries(2):
        assert working_days_between(D(2026, 12, 15), D(2027, 1, 13)) == 22
    # A calendar shared by several questions reads each year once.
    calendar = WorkdayCalendar()
    with django_assert_max_num_queries(2):
        publicity_end(D(2026, 12, 28), calendar=calendar)
        publicity_is_long_enough(D(2026, 12, 15), D(2027, 1, 13), calendar=calendar)
        inspection_notice_ok(D(2026, 12, 31), D(2027, 1, 4), calendar=calendar)


# --- calendar_year_save ----------------------------------------------------------------------------------


def calendar_audit():
    return AuditEvent.objects.filter(object_type="selection.calendaryear")


def test_saving_a_year_records_its_days_with_history_and_one_audit_row(actor):
    year = calendar_year_save(actor=actor, year=2027, days=DAYS_2027, note="测试数据")
    assert (year.year, year.entered_by, year.note) == (2027, actor, "测试数据")
    assert list(year.days.values_list("date", "kind", "name")) == [
        (day, str(kind), name) for day, kind, name in DAYS_2027
    ]
    history = CalendarDay.history.filter(year_id=year.pk)
    assert history.count() == 4
    assert {(h.history_type, h.history_user, h.history_change_reason) for h in history} == {
        ("+", actor, "录入节假日安排")
    }
    assert year.history.get().history_user == actor
    audit = calendar_audit().get()
    assert (audit.event, audit.user, audit.object_id) == (AuditEvent.Event.UPDATE, actor, str(year.pk))
    assert audit.detail["added"] == [day.isoformat() for day, _, _ in DAYS_2027]


def test_saving_again_replaces_the_days_and_keeps_history_of_each_change(actor):
    calendar_year_save(actor=actor, year=2027, days=DAYS_2027)
    new_days = [
        (D(2027, 1, 1), HOLIDAY, "元旦"),  # unchanged
        (D(2027, 1, 2), HOLIDAY, "元旦假期"),  # renamed
        (D(2027, 1, 3), HOLIDAY, "元旦"),  # unchanged
        (D(2027, 2, 6), WORKDAY, "春节"),  # added; 01-09 dropped
    ]
    year = calendar_year_save(actor=actor, year=2027, days=new_days, note="更正")
    assert list(year.days.values_list("date", "kind", "name")) == [
        (day, str(kind), name) for day, kind, name in new_days
    ]
    assert CalendarYear.objects.count() == 1
    dropped = CalendarDay.history.filter(date=D(2027, 1, 9)).latest()
    assert (dropped.history_type, dropped.history_user, dropped.history_change_reason) == ("-", actor, "修改节假日安排")
    assert CalendarDay.history.filter(date=D(2027, 1, 2)).latest().history_type == "~"
    assert CalendarDay.history.filter(date=D(2027, 1, 1)).count() == 1  # unchanged: no new row
    audit = calendar_audit().order_by("id").last()
    assert audit.detail == {
        "reason": "修改节假日安排", "added": ["2027-02-06"], "changed": ["2027-01-02"], "removed": ["2027-01-09"],
    }
    assert calendar_audit().count() == 2
    assert not is_working_day(D(2027, 1, 9))
    assert is_working_day(D(2027, 2, 6))


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ([(D(2026, 12, 31), HOLIDAY, "")], DAY_OUTSIDE_YEAR.format(date=D(2026, 12, 31), year=2027)),
        ([(D(2027, 1, 4), WORKDAY, "")], WORKDAY_NOT_WEEKEND.format(date=D(2027, 1, 4))),
        ([(D(2027, 1, 1), HOLIDAY, ""), (D(2027, 1, 1), WORKDAY, "")], DUPLICATE_DAY.format(date=D(2027, 1, 1))),
        ([], NO_DAYS.format(year=2027)),
    ],
)
def test_an_invalid_day_saves_nothing(actor, days, message):
    with pytest.raises(ValidationError) as caught:
        calendar_year_save(actor=actor, year=2027, days=[*DAYS_2027[:1], *days] if days else days)
    assert any(message in text for text in caught.value.messages)
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()
    assert not calendar_audit().exists()


def test_an_invalid_correction_keeps_the_year_as_it_was(actor):
    calendar_year_save(actor=actor, year=2027, days=DAYS_2027)
    with pytest.raises(ValidationError):
        calendar_year_save(actor=actor, year=2027, days=[(D(2027, 1, 1), HOLIDAY, ""), (D(2027, 1, 5), WORKDAY, "")])
    assert CalendarDay.objects.count() == 4
    assert is_working_day(D(2027, 1, 9))
    assert calendar_audit().count() == 1
