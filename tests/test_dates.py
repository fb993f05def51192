"""Ages in full years (周岁) as docs/definitions.md defines them."""

import datetime as dt

import pytest

from cadre_office.dates import add_years, age_on, birth_date_range_for_ages, latest_birth_date_for_age

D = dt.date


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1986, 1, 1), D(2026, 12, 31), 40),  # "40岁及以下" still counts him
        (D(1985, 12, 31), D(2026, 12, 31), 41),  # his 41st birthday is the statistics date itself
        (D(1986, 12, 31), D(2026, 12, 31), 40),
        (D(1987, 1, 1), D(2026, 12, 31), 39),
        (D(1990, 6, 15), D(2026, 6, 14), 35),
        (D(1990, 6, 15), D(2026, 6, 15), 36),
        (D(2026, 12, 31), D(2026, 12, 31), 0),
    ],
)
def test_age_on_counts_full_years(birth, on, age):
    assert age_on(birth, on) == age


def test_born_on_29_february_turns_older_on_1_march_in_common_year():
    born = D(1988, 2, 29)
    assert age_on(born, D(2026, 2, 28)) == 37
    assert age_on(born, D(2026, 3, 1)) == 38


def test_born_on_29_february_turns_older_on_29_february_in_leap_year():
    born = D(1988, 2, 29)
    assert age_on(born, D(2028, 2, 28)) == 39
    assert age_on(born, D(2028, 2, 29)) == 40


def test_latest_birth_date_for_age_on_year_end():
    assert latest_birth_date_for_age(D(2026, 12, 31), 41) == D(1985, 12, 31)
    assert latest_birth_date_for_age(D(2026, 12, 31), 40) == D(1986, 12, 31)


def test_latest_birth_date_for_age_on_29_february_falls_back_to_28_february():
    assert latest_birth_date_for_age(D(2028, 2, 29), 1) == D(2027, 2, 28)
    assert latest_birth_date_for_age(D(2028, 2, 29), 4) == D(2024, 2, 29)


@pytest.mark.parametrize("on", [D(2026, 12, 31), D(2026, 2, 28), D(2026, 3, 1), D(2028, 2, 28), D(2028, 2, 29)])
@pytest.mark.parametrize("age", [0, 1, 3, 38, 40, 41])
def test_latest_birth_date_for_age_agrees_with_age_on(on, age):
    """``age_on(b, on) >= age`` exactly when ``b <= latest``: check every birth date around the bound."""
    latest = latest_birth_date_for_age(on, age)
    for offset in range(-800, 800):
        birth = latest + dt.timedelta(days=offset)
        if birth > on:
            continue
        assert (age_on(birth, on) >= age) == (birth <= latest), birth


def test_birth_date_range_for_ages_40_and_under_on_year_end():
    earliest, latest = birth_date_range_for_ages(D(2026, 12, 31), None, 40)
    assert earliest == D(1986, 1, 1)
    assert latest is None


def test_birth_date_range_for_ages_bounds_are_inclusive():
    on = D(2026, 12, 31)
    earliest, latest = birth_date_range_for_ages(on, 36, 40)
    assert (earliest, latest) == (D(1986, 1, 1), D(1990, 12, 31))
    assert age_on(earliest, on) == 40
    assert age_on(earliest - dt.timedelta(days=1), on) == 41
    assert age_on(latest, on) == 36
    assert age_on(latest + dt.timedelta(days=1), on) == 35


def test_add_years_moves_29_february_to_28_february():
    assert add_years(D(1988, 2, 29), 38) == D(2026, 2, 28)
    assert add_years(D(1988, 2, 29), 40) == D(2028, 2, 29)
    assert add_years(D(1990, 6, 15), -5) == D(1985, 6, 15)
