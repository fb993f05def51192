"""The yearly young-cadre round (年轻干部选育), its nominations, and the reserve pool it fills.

Each year a round opens with its quota and eligibility (age limit and education, defaulting to the
settings). Cadres are nominated by recommendation (who recommends and why) or by self-recommendation;
leaders decide each nomination at the review gate (approve, or not with a reason), once, and never one
they recommended or recorded themselves. An approved nominee enters the pool (``PoolMember``); a member
leaves it through a 动态管理 decision (``oversight``), or when they leave service.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres.codes import EducationBand


class YoungCadreRound(models.Model):
    """One year's round of choosing young cadres for cultivation."""

    class State(models.TextChoices):
        OPEN = "open", "推荐中"
        REVIEW = "review", "审批中"
        CLOSED = "closed", "已结束"

    year = models.PositiveSmallIntegerField("年度", unique=True,
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField("名称", max_length=100)
    quota = models.PositiveSmallIntegerField("选育名额", validators=[MinValueValidator(1)])
    age_limit = models.PositiveSmallIntegerField("年龄上限（周岁）", validators=[MinValueValidator(20),
                                                                            MaxValueValidator(60)])
    min_education = models.CharField("学历要求", max_length=16, choices=EducationBand.choices)
    nomination_deadline = models.DateField("推荐截止日期")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    note = models.TextField("工作要求", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年轻干部选育"
        ordering = ["-year"]
        permissions = [("decide_nomination", "审批年轻干部推荐人选"), ("nominate", "推荐年轻干部人选")]

    def __str__(self):
        return self.name


class Nomination(models.Model):
    """A cadre put forward in a round, by recommendation or self-recommendation, and its decision."""

    class Kind(models.TextChoices):
        RECOMMENDED = "recommended", "组织推荐"
        SELF = "self", "个人自荐"

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "同意"
        REJECTED = "rejected", "不同意"
        WITHDRAWN = "withdrawn", "已撤回"

    round = models.ForeignKey(YoungCadreRound, verbose_name="选育年度", on_delete=models.CASCADE,
                              related_name="nominations")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="nominations")
    kind = models.CharField("推荐方式", max_length=12, choices=Kind.choices)
    recommender = models.CharField("推荐人（单位）", max_length=100, blank=True,
                                   help_text="组织推荐的，填写推荐的领导或单位。")
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="推荐账号", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       help_text="在系统中提出推荐的账号；该账号不得审批本推荐。")
    reason = models.TextField("推荐理由")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_reason = models.CharField("审批意见", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年轻干部推荐"
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "cadre"], name="nomination_once_per_round"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "withdrawn"], decided_by__isnull=True)
                | Q(state__in=["approved", "rejected"], decided_by__isnull=False, decided_at__isnull=False),
                name="nomination_decided_by_someone"),
            models.CheckConstraint(condition=~Q(state="rejected") | ~Q(decision_reason=""),
                                   name="nomination_rejection_has_reason"),
        ]

    def __str__(self):
        return f"{self.round.year} {self.cadre}"


class PoolMember(models.Model):
    """A cadre in the reserve pool (后备/储备干部): when they entered, how, and whether they are still in."""

    class Kind(models.TextChoices):
        RESERVE = "reserve", "后备干部"
        STANDBY = "standby", "储备干部"

    class State(models.TextChoices):
        ACTIVE = "active", "在库"
        LEFT = "left", "已出库"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="pool_memberships")
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.RESERVE)
    nomination = models.OneToOneField(Nomination, verbose_name="来源推荐", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="pool_member")
    entered_on = models.DateField("入库日期")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.ACTIVE)
    left_on = models.DateField("出库日期", null=True, blank=True)
    left_reason = models.CharField("出库原因", max_length=200, blank=True)
    decision = models.ForeignKey("oversight.AdjustmentDecision", verbose_name="动态管理决定", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "后备干部库"
        ordering = ["-entered_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=Q(state="active"), name="one_active_pool_membership"),
            models.CheckConstraint(condition=Q(state="active", left_on__isnull=True)
                                   | Q(state="left", left_on__isnull=False), name="pool_left_has_date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cadre}"
