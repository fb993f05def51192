"""Dates as the personnel office counts them.

Age is full years (周岁). A person born on 29 February reaches a new age on 1 March
in common years, which is what comparing (month, day) tuples gives.
"""

import datetime as dt


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Return the full years of a person born on ``birth_date`` on date ``on``."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


def latest_birth_date_for_age(on: dt.date, age: int) -> dt.date:
    """Return the latest birth date of someone at least ``age`` full years old on ``on``.

    So ``age_on(b, on) >= age`` exactly when ``b <= latest_birth_date_for_age(on, age)``,
    which lets the database filter by age with a plain date comparison.
    """
    year = on.year - age
    try:
        return on.replace(year=year)
    except ValueError:  # ``on`` is 29 February and ``year`` is a common year
        return dt.date(year, 2, 28)


def birth_date_range_for_ages(on: dt.date, low: int | None, high: int | None) -> tuple[dt.date | None, dt.date | None]:
    """Return the (earliest, latest) birth dates, inclusive, of ages ``low``..``high`` on ``on``."""
    latest = latest_birth_date_for_age(on, low) if low is not None else None
    earliest = latest_birth_date_for_age(on, high + 1) + dt.timedelta(days=1) if high is not None else None
    return earliest, latest


def add_years(day: dt.date, years: int) -> dt.date:
    """Return ``day`` moved by whole years, 29 February becoming 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 2, 28)


def format_month(day: dt.date | None) -> str:
    """Return ``day`` to the month as rosters write it (2014.05), or "" for none."""
    return f"{day:%Y.%m}" if day else ""
