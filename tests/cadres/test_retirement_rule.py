"""The statutory retirement month (docs/definitions.md 法定退休时间; docs/reports.md section 1).

Every boundary the issue lists, both genders; the inversion against the forward rule over every
birth month 1955–1990; the stored column the page filters and sorts by, kept by every way a cadre
is written.
"""

import datetime as dt

import pytest

from cadres.codes import Gender
from cadres.models import Cadre
from cadres.retirement import (
    add_months,
    default_retire_date,
    latest_birth_month_retiring_by,
    month_from_ordinal,
    month_ordinal,
    outlook,
    retiring_by,
    statutory_retirement_month,
)
from tests.factories import CadreFactory

M, F = Gender.MALE, Gender.FEMALE


@pytest.mark.parametrize(("gender", "born", "retires", "why"), [
    (M, "1964-12", "2024-12", "before the reform's start: 60 exactly"),
    (M, "1965-01", "2025-02", "first delayed month: 0 months since start → 1 month"),
    (M, "1965-04", "2025-05", "3 months since start → still 1 month"),
    (M, "1965-05", "2025-07", "4 months since start → 2 months"),
    (M, "1976-08", "2039-07", "139 months since start → 35 months"),
    (M, "1976-09", "2039-09", "140 months since start → 36 months: 63"),
    (M, "1990-06", "2053-06", "the cap holds for all later births"),
    (F, "1969-12", "2024-12", "before the women's start: 55 exactly"),
    (F, "1970-01", "2025-02", "first delayed month for women cadres"),
    (F, "1981-08", "2039-07", "35 months"),
    (F, "1981-09", "2039-09", "36 months: 58"),
    (F, "1965-01", "2020-01", "the men's start means nothing for women"),
])
def test_every_boundary_of_the_rule(gender, born, retires, why):
    year, month = map(int, born.split("-"))
    for day in (1, 15, 28):  # the day of birth never matters
        result = statutory_retirement_month(dt.date(year, month, day), gender)
        assert f"{result:%Y-%m}" == retires, why
        assert result.day == 1


def test_the_sample_cadres_of_the_issue():
    # A man born 1966-08 is 60 in 2026-08 but retires only in 2027-01 (19 months since 1965-01 → 5).
    assert statutory_retirement_month(dt.date(1966, 8, 21), M) == dt.date(2027, 1, 1)
    # A woman born 1968-09 is before the women's reform: 55 in 2023-09.
    assert statutory_retirement_month(dt.date(1968, 9, 28), F) == dt.date(2023, 9, 1)


def test_the_rule_is_not_a_fixed_age():
    ages = {month_ordinal(statutory_retirement_month(dt.date(y, m, 1), M)) - (y * 12 + m - 1)
            for y in range(1960, 1980) for m in range(1, 13)}
    assert min(ages) == 720 and max(ages) == 756 and len(ages) == 37


BIRTH_MONTHS = [month_from_ordinal(o) for o in range(1955 * 12, 1990 * 12 + 12)]


@pytest.mark.parametrize("gender", [M, F])
def test_the_inversion_agrees_with_the_forward_rule_for_every_month_1955_to_1990(gender):
    horizons = sorted({statutory_retirement_month(b, gender) for b in BIRTH_MONTHS})
    horizons += [add_months(h, 1) for h in horizons]  # and the months in which nobody's month falls
    for horizon in sorted(set(horizons)):
        latest = latest_birth_month_retiring_by(horizon, gender)
        assert statutory_retirement_month(latest, gender) <= horizon
        assert statutory_retirement_month(add_months(latest, 1), gender) > horizon
    # Monotone: a later birth never retires earlier (what makes the inversion a date range).
    months = [statutory_retirement_month(b, gender) for b in BIRTH_MONTHS]
    assert months == sorted(months)


@pytest.mark.django_db
def test_the_stored_month_and_the_filter_agree_with_the_rule():
    born = [dt.date(y, m, d) for y in (1954, 1964, 1965, 1966, 1969, 1970, 1976, 1981, 1982, 1995)
            for m in (1, 4, 5, 8, 9, 12) for d in (1, 28)]
    for n, day in enumerate(born):
        CadreFactory(birth_date=day, gender=M if n % 2 else F)
    rows = list(Cadre.objects.values_list("birth_date", "gender", "retirement_month"))
    assert len(rows) == len(born)
    for birth, gender, month in rows:
        assert month == statutory_retirement_month(birth, gender), (birth, gender)
    for horizon in (dt.date(2024, 12, 1), dt.date(2025, 2, 1), dt.date(2027, 1, 31), dt.date(2039, 8, 1)):
        due = set(Cadre.objects.filter(retiring_by(horizon)).values_list("pk", flat=True))
        expected = {c.pk for c in Cadre.objects.all()
                    if statutory_retirement_month(c.birth_date, c.gender) <= horizon.replace(day=1)}
        assert due == expected, horizon


@pytest.mark.django_db
def test_the_stored_month_follows_a_corrected_birth_date_and_the_roster_import(client):
    import io

    from cadres.roster_workbook import read_roster
    from cadres.services.roster_import import apply_roster_import, plan_roster_import
    from tests.cadres.workbooks import build_roster, valid_rows
    from tests.factories import role_user

    cadre = CadreFactory(birth_date=dt.date(1966, 8, 14), gender=M)
    assert cadre.retirement_month == dt.date(2027, 1, 1)
    cadre.birth_date = dt.date(1976, 9, 2)
    cadre.save(update_fields=["birth_date"])
    cadre.refresh_from_db()
    assert cadre.retirement_month == dt.date(2039, 9, 1)
    # The import inserts in bulk (no save): the model's clean sets the month.
    plan = plan_roster_import(read_roster(io.BytesIO(build_roster(valid_rows(3)))))
    apply_roster_import(plan, actor=role_user("人事干部"))
    imported = Cadre.objects.exclude(pk=cadre.pk)
    assert imported.count() == 3
    for stored in imported:
        assert stored.retirement_month == statutory_retirement_month(stored.birth_date, stored.gender)


def test_outlook_counts_months_to_go_or_overdue_and_the_default_retire_date():
    born = dt.date(1966, 8, 21)
    assert outlook(born, M, dt.date(2026, 6, 30)).text == "距退休 7 个月"
    assert outlook(born, M, dt.date(2027, 1, 31)).text == "本月到龄"
    late = outlook(born, M, dt.date(2027, 4, 1))
    assert (late.overdue, late.months_overdue, late.text) == (True, 3, "已超期 3 个月")
    assert default_retire_date(born, M) == dt.date(2027, 2, 1)
