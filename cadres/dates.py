"""Dates recorded to the month (入党时间 2014.05) or to the day, stored with their precision.

Personnel offices write some dates only to the month. Such a date is stored as the first of its
month in the date column, and a sibling column ``<name>_precision`` (``precision_field()``)
says ``month``; everything that shows the date (the record page, the change history, the export,
the import's preview) writes it as 2014.05, never as 2014-05-01. A model opts in per field by
declaring the sibling; forms (``PrecisionDateFormMixin``), the services and the roster import
set both columns together.

A parsed value carries its precision in its type: ``MonthDate`` is a ``datetime.date`` (the first
of the month, so it compares, validates and saves as one) that is known only to the month.
"""

import datetime as dt
import re

from django import forms
from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "到日"
    MONTH = "month", "到月"


class MonthDate(dt.date):
    """A date known only to its month: the first of that month, shown as 2014.05 (``format_precise``).

    ``str()`` stays the ISO date: database adapters write dates with it.
    """

    precision = DatePrecision.MONTH

    def __new__(cls, year: int, month: int, day: int = 1):
        return super().__new__(cls, year, month, 1)

    def __repr__(self):
        return f"MonthDate({self.year}, {self.month})"

    # Arithmetic gives a plain date: on a date subclass Python returns the subclass, and a MonthDate
    # is always the first of its month, so 2018.12 minus a day would come out as 2018-11-01, not
    # 2018-11-30 (the end of a post closed the day before its successor's start).
    def __add__(self, other):
        return dt.date(self.year, self.month, self.day) + other

    __radd__ = __add__

    def __sub__(self, other):
        return dt.date(self.year, self.month, self.day) - other


def precision_field() -> models.CharField:
    """The ``<name>_precision`` column beside a date column that may be recorded to the month.

    Editable as far as Django goes (the change history compares editable fields only), though no form
    lists it: ``PrecisionDateFormMixin`` sets it from the date typed.
    """
    return models.CharField("日期精度", max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)


def precision_of(value) -> str:
    """Return the precision a parsed value carries: month for a ``MonthDate``, else day."""
    return DatePrecision.MONTH if isinstance(value, MonthDate) else DatePrecision.DAY


def with_precision(value: dt.date | None, precision: str | None) -> dt.date | None:
    """Return a stored date as the value it was recorded as (a ``MonthDate`` when to the month)."""
    if value is None or precision != DatePrecision.MONTH:
        return value
    return MonthDate(value.year, value.month)


def format_precise(value: dt.date | None, precision: str | None = None) -> str:
    """Return a date as offices write it: 2014.05 to the month, 2014-05-01 to the day, "" for none."""
    if value is None:
        return ""
    if precision == DatePrecision.MONTH or isinstance(value, MonthDate):
        return f"{value:%Y.%m}"
    return f"{value:%Y-%m-%d}"


def precision_date_fields(model) -> list[str]:
    """Return the names of ``model``'s date fields that have a ``<name>_precision`` sibling."""
    names = {field.name for field in model._meta.get_fields()}
    return [field.name for field in model._meta.get_fields()
            if isinstance(field, models.DateField) and f"{field.name}_precision" in names]


def with_precisions(model, data: dict) -> dict:
    """Return ``data`` (field values for ``model``) with the precision of each date it sets.

    A date set without its precision takes the one its value carries (``precision_of``).
    """
    data = dict(data)
    for name in precision_date_fields(model):
        if name in data and f"{name}_precision" not in data:
            data[f"{name}_precision"] = precision_of(data[name])
    return data


_FULL = re.compile(r"^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})[-./年](\d{1,2})月?$")


def parse_precise(text: str) -> dt.date | None:
    """Return the date written in ``text``: a ``MonthDate`` for 2014.05 or 2014-05, a date for a full one.

    Accepted: 2014.05, 2014-05, 2014.05.01, 2014-05-01 (also with / or 年月日, and 20140501).
    A blank text is None; anything else raises ValueError.
    """
    text = text.strip()
    if not text:
        return None
    for pattern in (_FULL, _COMPACT):
        match = pattern.match(text)
        if match:
            return dt.date(*(int(part) for part in match.groups()))
    match = _MONTH.match(text)
    if match:
        return MonthDate(int(match.group(1)), int(match.group(2)))
    raise ValueError(text)


# --- forms ---------------------------------------------------------------------------------------

BAD_DATE = "请按 2014.05（到月）或 2014-05-01（到日）的格式填写"


class PrecisionDateInput(forms.TextInput):
    """A text box (a date picker cannot take 2014.05) showing the value as it was recorded."""

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "如 2014.05 或 2014-05-01", "inputmode": "numeric", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return format_precise(value)
        return super().format_value(value)


class PrecisionDateField(forms.Field):
    """A date to the month or to the day: returns a ``MonthDate`` or a ``date`` (or None)."""

    widget = PrecisionDateInput
    default_error_messages = {"invalid": BAD_DATE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_precise(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PrecisionDateFormMixin:
    """A ModelForm whose dates with a precision sibling take 2014.05 as well as 2014-05-01.

    Each such field becomes a ``PrecisionDateField`` showing the stored value as recorded; the
    instance gets the date and its precision together, before the model validates.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.precision_dates = [name for name in precision_date_fields(self._meta.model) if name in self.fields]
        for name in self.precision_dates:
            old = self.fields[name]
            self.fields[name] = PrecisionDateField(label=old.label, required=old.required, help_text=old.help_text)
            stored = getattr(self.instance, name, None)
            if stored is not None and self.initial.get(name) == stored:  # the instance's value, not one passed in
                self.initial[name] = with_precision(stored, getattr(self.instance, f"{name}_precision"))

    def _post_clean(self):
        for name in self.precision_dates:
            if name in self.cleaned_data:
                setattr(self.instance, f"{name}_precision", precision_of(self.cleaned_data[name]))
        super()._post_clean()
