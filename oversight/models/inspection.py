"""定期考察 (periodic inspection): 平时考核 grids, the 年度考核 rules kept as data, and 考察 visits.

- ``QuarterlyReview``: one unit's 平时考核 grid for one quarter, with its state (填报中 → 已提交 → 已确认);
  ``QuarterlyGrade``: one cadre's grade on that grid.
- ``OversightSettings``: the one row of oversight's settings (the share of 优秀 in 年度考核 …).
- ``AppraisalConflictRule``: which 处分/诫勉 keeps a cadre from 优秀 or forces 不定等次 in 年度考核.
- ``InspectionVisit`` and ``InspectionShortcoming``: a 考察 of a cadre on four aspects, and the
  shortcomings it found (read by the development plan through ``oversight.selectors.open_shortcomings``).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from oversight.models.records import DisciplineAction


class Rating(models.TextChoices):
    """The four-step scale of 平时考核 and of each aspect of a 考察."""

    GOOD = "good", "好"
    FAIR = "fair", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "较差"


QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of ``quarter`` of ``year``."""
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


class QuarterlyReview(models.Model):
    """One unit's 平时考核 grid for one quarter: entered by the unit, confirmed by personnel staff."""

    class State(models.TextChoices):
        DRAFT = "draft", "填报中"
        SUBMITTED = "submitted", "已提交"
        CONFIRMED = "confirmed", "已确认"

    department = models.ForeignKey("cadres.Department", verbose_name="单位", on_delete=models.PROTECT,
                                   related_name="quarterly_reviews")
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField("季度", choices=QUARTERS)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    reopen_reason = models.CharField("退回原因", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "平时考核"
        ordering = ["-year", "-quarter", "department"]
        constraints = [models.UniqueConstraint(fields=["department", "year", "quarter"],
                                               name="quarterly_review_once_per_unit")]
        permissions = [("enter_quarterly_grade", "录入平时考核"), ("confirm_quarterly_grade", "确认平时考核")]

    def __str__(self):
        return f"{self.department} {self.year}年{self.get_quarter_display()}平时考核"

    @property
    def period(self) -> str:
        return f"{self.year}年{self.get_quarter_display()}"


class QuarterlyGrade(models.Model):
    """One cadre's 平时考核 grade on a unit's grid."""

    review = models.ForeignKey(QuarterlyReview, verbose_name="平时考核", on_delete=models.CASCADE,
                               related_name="grades")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="quarterly_grades")
    grade = models.CharField("等次", max_length=8, choices=Rating.choices)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "平时考核等次"
        ordering = ["review", "cadre"]
        constraints = [models.UniqueConstraint(fields=["review", "cadre"], name="quarterly_grade_once_per_grid")]

    def __str__(self):
        return f"{self.cadre} {self.get_grade_display()}"


class OversightSettings(models.Model):
    """The one row of oversight's settings (``OversightSettings.current()``), edited by personnel staff."""

    SINGLETON_PK = 1
    EXCELLENT_SHARE_MAX = 25

    excellent_share_percent = models.PositiveSmallIntegerField(
        "年度考核优秀比例上限（%）", default=20,
        validators=[MinValueValidator(1), MaxValueValidator(EXCELLENT_SHARE_MAX)],
        help_text="优秀等次人数占参加年度考核人数的比例，一般不超过20%，经批准最多25%。")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "日常监督设置"

    def __str__(self):
        return "日常监督设置"

    @classmethod
    def current(cls) -> "OversightSettings":
        """Return the settings row (the defaults when none has been saved yet, unsaved)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)


class AppraisalConflictRule(models.Model):
    """A 处分/诫勉 that limits a cadre's 年度考核 grade (kept as data; seeded with the rules' defaults)."""

    class Condition(models.TextChoices):
        DECIDED_IN_YEAR = "decided", "当年作出决定"
        IN_EFFECT = "in_effect", "当年处于影响期内"

    class Outcome(models.TextChoices):
        EXCLUDE_EXCELLENT = "exclude_excellent", "不得确定为优秀"
        FORCE_UNRATED = "force_unrated", "应确定为不定等次"

    name = models.CharField("规则名称", max_length=100)
    kinds = models.JSONField("处分类别", default=list, help_text="处分与诫勉的类别代码")
    condition = models.CharField("适用条件", max_length=12, choices=Condition.choices)
    outcome = models.CharField("考核结果", max_length=20, choices=Outcome.choices)
    basis = models.CharField("依据", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序号", default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年度考核冲突规则"
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        valid = set(DisciplineAction.Kind.values)
        if not isinstance(self.kinds, list) or not self.kinds or not set(self.kinds) <= valid:
            raise ValidationError({"kinds": "请至少选择一个处分类别。"})

    @property
    def kind_labels(self) -> str:
        labels = dict(DisciplineAction.Kind.choices)
        return "、".join(labels.get(kind, kind) for kind in self.kinds)

    def applies(self, action: DisciplineAction, year: int) -> bool:
        """Return whether ``action`` falls under this rule for the appraisal of ``year``."""
        if action.kind not in self.kinds:
            return False
        if self.condition == self.Condition.DECIDED_IN_YEAR:
            return action.decided_on.year == year
        return action.decided_on <= dt.date(year, 12, 31) and action.effect_until >= dt.date(year, 1, 1)


class InspectionVisit(models.Model):
    """A 考察 of a cadre: who looked, when, and a rating and remarks on each of four aspects."""

    ASPECTS = (("political", "政治素质"), ("performance", "工作实绩"), ("morale", "精神状态"),
               ("integrity", "廉洁自律"))

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="inspection_visits")
    visited_on = models.DateField("考察日期")
    inspectors = models.CharField("考察人员", max_length=200)
    political_rating = models.CharField("政治素质", max_length=8, choices=Rating.choices)
    political_text = models.TextField("政治素质情况", max_length=2000, blank=True)
    performance_rating = models.CharField("工作实绩", max_length=8, choices=Rating.choices)
    performance_text = models.TextField("工作实绩情况", max_length=2000, blank=True)
    morale_rating = models.CharField("精神状态", max_length=8, choices=Rating.choices)
    morale_text = models.TextField("精神状态情况", max_length=2000, blank=True)
    integrity_rating = models.CharField("廉洁自律", max_length=8, choices=Rating.choices)
    integrity_text = models.TextField("廉洁自律情况", max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考察记录"
        ordering = ["cadre", "-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on:%Y-%m-%d} 考察"

    def ratings(self) -> list[tuple[str, str]]:
        """Return (aspect, rating label) of the four aspects."""
        return [(label, getattr(self, f"get_{key}_rating_display")()) for key, label in self.ASPECTS]


class InspectionShortcoming(models.Model):
    """A shortcoming a 考察 found, with what to do about it; open until it is marked 已整改."""

    class Area(models.TextChoices):
        POLITICAL = "political", "政治素质"
        PERFORMANCE = "performance", "工作实绩"
        MORALE = "morale", "精神状态"
        INTEGRITY = "integrity", "廉洁自律"
        OTHER = "other", "其他"

    # The cadre is the visit's (kept here so the record page and the selector read it without a join).
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="inspection_shortcomings")
    visit = models.ForeignKey(InspectionVisit, verbose_name="考察", on_delete=models.CASCADE,
                              related_name="shortcomings")
    area = models.CharField("方面", max_length=12, choices=Area.choices)
    description = models.CharField("不足之处", max_length=500)
    suggestion = models.CharField("培养建议", max_length=500, blank=True)
    resolved_on = models.DateField("整改完成日期", null=True, blank=True, help_text="未整改的留空")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "考察发现的不足"
        ordering = ["cadre", "-visit__visited_on", "pk"]

    def __str__(self):
        return f"{self.get_area_display()}：{self.description[:30]}"
