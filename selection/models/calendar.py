"""The official holiday calendar as staff enter it, for years the holiday package does not know (or gets wrong).

Working days (公示 ≥ 5 working days, 考察预告 1–3 working days ahead) follow the State Council's yearly
arrangement. ``chinese_calendar`` knows the years published when it was released; for any other year staff
enter the arrangement here, and an entered year replaces the package's data for that year entirely.
``selection.workdays`` reads these tables; ``selection.services.calendar_year_save`` writes them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

DAY_OUTSIDE_YEAR = "日期{date:%Y-%m-%d}不在{year}年内"
WORKDAY_NOT_WEEKEND = "{date:%Y-%m-%d}不是周六或周日，无需登记为调休上班"


class CalendarYear(models.Model):
    """A year whose official holiday arrangement staff have entered.

    Its ``days`` list the exceptions to the ordinary week (Monday–Friday work, Saturday and Sunday
    rest): holidays and rest days moved onto weekdays, and weekend days made working days. Once a
    year is entered it overrides the holiday package for every date of that year.
    """

    year = models.PositiveSmallIntegerField(
        "年度", unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)
    note = models.TextField("说明", blank=True, help_text="如：依据国务院办公厅关于2027年部分节假日安排的通知")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="calendar_year_in_range"),
        ]

    def __str__(self):
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    """One date of an entered year that differs from the ordinary week, or an official holiday.

    ``HOLIDAY`` marks a day off: a statutory holiday or a rest day moved onto a weekday (listing
    the weekend days of a holiday too, as the State Council's notice does, is harmless).
    ``WORKDAY`` marks a Saturday or Sunday made a working day (调休上班).
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日/休息日调休"
        WORKDAY = "workday", "调休上班"

    year = models.ForeignKey(CalendarYear, verbose_name="年度", on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("节日名称", max_length=20, blank=True, help_text="如：国庆节")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排日期"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date"], name="calendar_day_unique_date"),
            models.CheckConstraint(condition=Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_valid"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        # A check constraint cannot see the year's number through the foreign key: checked here.
        if self.date and self.year_id is not None and self.date.year != self.year.year:
            raise ValidationError({"date": DAY_OUTSIDE_YEAR.format(date=self.date, year=self.year.year)})
        if self.date and self.kind == self.Kind.WORKDAY and self.date.weekday() < 5:
            raise ValidationError({"date": WORKDAY_NOT_WEEKEND.format(date=self.date)})
