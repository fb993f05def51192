"""个人培养计划: the structured development plan of a cadre in the pool.

A plan has gaps to fill (拾缺补漏, prefilled from the open shortcomings of the cadre's latest 考察),
goals, a mentor, planned items each linked to the record that fulfils it (an enrolment in a programme,
a placement, a rotation plan), and reviews twice a year (``period`` 2026H1 / 2026H2) with a rating.
Progress is planned items against those whose record is done, computed, never typed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class DevelopmentPlan(models.Model):
    """The plan of one pool membership (one plan per membership)."""

    class State(models.TextChoices):
        DRAFT = "draft", "草拟"
        ACTIVE = "active", "实施中"
        CLOSED = "closed", "已结束"

    member = models.OneToOneField("training.PoolMember", verbose_name="后备干部", on_delete=models.CASCADE,
                                  related_name="plan")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="development_plans")
    start_year = models.PositiveSmallIntegerField("起始年度", validators=[MinValueValidator(2000)])
    end_year = models.PositiveSmallIntegerField("结束年度", validators=[MaxValueValidator(2100)])
    mentor = models.ForeignKey("cadres.Cadre", verbose_name="培养导师", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="mentees")
    mentor_note = models.CharField("导师职责", max_length=200, blank=True)
    direction = models.CharField("培养方向", max_length=100, help_text="如：综合管理、经济工作、基层治理")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "个人培养计划"
        ordering = ["-start_year", "-id"]
        permissions = [("review_plan", "考评个人培养计划")]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"),
        ]

    def __str__(self):
        return f"{self.cadre} {self.start_year}—{self.end_year}年培养计划"


class PlanGap(models.Model):
    """A gap to fill (拾缺补漏): a weakness, where it came from, and whether it is closed."""

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="培养计划", on_delete=models.CASCADE, related_name="gaps")
    text = models.CharField("短板弱项", max_length=300)
    shortcoming = models.ForeignKey("oversight.InspectionShortcoming", verbose_name="来源考察问题", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    closed = models.BooleanField("已补齐", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "培养短板"
        ordering = ["id"]

    def __str__(self):
        return self.text


class PlanGoal(models.Model):
    """A goal of the plan, with the year it is due and whether it was reached."""

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="培养计划", on_delete=models.CASCADE, related_name="goals")
    text = models.CharField("培养目标", max_length=300)
    due_year = models.PositiveSmallIntegerField("完成年度")
    achieved = models.BooleanField("已实现", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "培养目标"
        ordering = ["due_year", "id"]

    def __str__(self):
        return self.text


class PlanItem(models.Model):
    """A planned training, placement or rotation, linked to the record that carries it out."""

    class Kind(models.TextChoices):
        TRAINING = "training", "理论培训"
        PRACTICE = "practice", "实践锻炼"
        ROTATION = "rotation", "岗位交流"

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="培养计划", on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("安排内容", max_length=200)
    due_year = models.PositiveSmallIntegerField("计划年度")
    gap = models.ForeignKey(PlanGap, verbose_name="针对短板", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="items")
    programme = models.ForeignKey("training.TrainingProgramme", verbose_name="培训项目", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    placement = models.ForeignKey("training.PracticePlacement", verbose_name="实践锻炼", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    rotation = models.ForeignKey("training.RotationPlan", verbose_name="岗位交流", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "培养安排"
        ordering = ["due_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="training") & Q(placement__isnull=True, rotation__isnull=True))
                | (Q(kind="practice") & Q(programme__isnull=True, rotation__isnull=True))
                | (Q(kind="rotation") & Q(programme__isnull=True, placement__isnull=True)),
                name="plan_item_links_its_kind"),
        ]

    def __str__(self):
        return self.title


class PlanReview(models.Model):
    """A half-yearly review of a plan (2026H1, 2026H2): rating, comment, who reviewed."""

    class Rating(models.TextChoices):
        GOOD = "good", "好"
        FAIR = "fair", "较好"
        AVERAGE = "average", "一般"
        POOR = "poor", "较差"

    plan = models.ForeignKey(DevelopmentPlan, verbose_name="培养计划", on_delete=models.CASCADE,
                             related_name="reviews")
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")])
    reviewed_on = models.DateField("考评日期")
    rating = models.CharField("考评等次", max_length=8, choices=Rating.choices)
    progress = models.TextField("培养进展")
    next_steps = models.TextField("下步措施", blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="考评人", on_delete=models.PROTECT,
                                 related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "培养计划考评"
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "half"], name="plan_review_once_per_half"),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_half_display()}考评"
