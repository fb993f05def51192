"""Training's settings: one row, edited by personnel staff, read by every part of the app."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from cadres.codes import EducationBand


class TrainingSettings(models.Model):
    """The one row of training's settings (``TrainingSettings.current()``).

    The yearly requirement is the 2023 《干部教育培训工作条例》's figure for cadres below county level:
    in general at least 12 days or 90 学时 a year. A cadre meets it with ``required_hours`` credited in
    the year; ``hours_per_day`` turns days into 学时 where a programme is counted in days.
    """

    SINGLETON_PK = 1

    required_hours = models.DecimalField("每年应完成学时", max_digits=5, decimal_places=1, default=Decimal("90"),
                                         validators=[MinValueValidator(Decimal("1"))],
                                         help_text="《干部教育培训工作条例》：一般每年不少于12天或90学时。")
    required_days = models.PositiveSmallIntegerField("每年应参训天数", default=12,
                                                     validators=[MinValueValidator(1)])
    hours_per_day = models.DecimalField("每天折合学时", max_digits=3, decimal_places=1, default=Decimal("7.5"),
                                        validators=[MinValueValidator(Decimal("1"))])
    promotion_training_months = models.PositiveSmallIntegerField(
        "任职培训期限（月）", default=12, validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="新提任科级领导职务的，应在任职后此期限内参加任职培训。")
    same_post_years = models.PositiveSmallIntegerField(
        "同一岗位任职年限（年）", default=5, validators=[MinValueValidator(1)],
        help_text="在同一岗位任职达到此年限的，列为岗位交流人选。")
    young_age_limit = models.PositiveSmallIntegerField(
        "年轻干部年龄上限（周岁）", default=35, validators=[MinValueValidator(20), MaxValueValidator(60)])
    young_min_education = models.CharField(
        "年轻干部学历要求", max_length=16, choices=EducationBand.choices, default=EducationBand.BACHELOR,
        help_text="最高学历不低于此层次。")
    placement_reminder_days = models.PositiveSmallIntegerField(
        "实践锻炼期满提醒（天）", default=30, validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "教育培养设置"

    def __str__(self):
        return "教育培养设置"

    @classmethod
    def current(cls) -> "TrainingSettings":
        """Return the settings row (the defaults when none has been saved yet, unsaved)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)
