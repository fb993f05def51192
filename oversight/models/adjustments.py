"""动态管理 (dynamic adjustment): the rules that flag a cadre, the flags, the decisions, 民主测评 results.

The rules are data (``FlagRule``): personnel staff switch them on and off and set their numbers;
each code has one evaluator (``oversight.flags``). A flag is raised once per cadre, rule and
``key`` (the years or quarters it rests on), so the nightly run raising the same facts again adds
nothing. A person decides (``AdjustmentDecision``); the decision closes the cadre's open flags and,
for 调出 or 调整岗位, changes the posts through the roster's services.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


def number(value) -> str:
    """A decimal as people write it: 12.5, -5, 60 (no trailing zeros, no exponent)."""
    return f"{Decimal(value).normalize():f}" if value is not None else ""


class FlagRule(models.Model):
    """A rule that flags cadres for the review queue; ``code`` names its evaluator."""

    class Code(models.TextChoices):
        ANNUAL_INCOMPETENT = "annual_incompetent", "年度考核不称职"
        BASIC_REPEATED = "basic_repeated", "近年多次基本称职"
        POOR_QUARTERS = "poor_quarters", "平时考核连续较差"
        LOW_POINTS = "low_points", "年度积分低于下限"
        LOW_RECOGNITION = "low_recognition", "群众认可度低"

    code = models.CharField("规则", max_length=24, choices=Code.choices, unique=True)
    active = models.BooleanField("启用", default=True)
    times = models.PositiveSmallIntegerField("次数", default=1, validators=[MinValueValidator(1)],
                                             help_text="满足条件的次数（年度或季度）")
    window = models.PositiveSmallIntegerField("期间", default=1, validators=[MinValueValidator(1)],
                                              help_text="统计的年数（按年的规则）或连续季度数（平时考核）")
    threshold = models.DecimalField("下限", max_digits=6, decimal_places=1, null=True, blank=True,
                                    help_text="积分下限（分）或认可度下限（%）")
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "动态管理预警规则"
        ordering = ["id"]

    def __str__(self):
        return self.get_code_display()

    def describe(self) -> str:
        """The rule in words, with its numbers: 近3年内基本称职2次及以上."""
        code, times, window, threshold = self.code, self.times, self.window, self.threshold
        if code == self.Code.ANNUAL_INCOMPETENT:
            return f"近{window}年内年度考核不称职{times}次及以上" if window > 1 or times > 1 else "上一年度考核不称职"
        if code == self.Code.BASIC_REPEATED:
            return f"近{window}年内年度考核基本称职{times}次及以上"
        if code == self.Code.POOR_QUARTERS:
            return f"平时考核连续{window}个季度较差"
        if code == self.Code.LOW_POINTS:
            return f"上一年度积分合计低于{number(threshold)}分"
        return f"最近一次民主测评认可度低于{number(threshold)}%"


class RecognitionEvaluation(models.Model):
    """A 民主测评 (democratic evaluation) of a cadre: how many took part and how many recognised them."""

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="recognition_evaluations")
    evaluated_on = models.DateField("测评日期")
    participants = models.PositiveIntegerField("参评人数", validators=[MinValueValidator(1)])
    approving = models.PositiveIntegerField("认可票数", help_text="“满意”和“基本满意”票数之和")
    occasion = models.CharField("测评名称", max_length=60, help_text="如：2025年度民主测评")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "民主测评"
        ordering = ["cadre", "-evaluated_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(approving__lte=models.F("participants")),
                                   name="recognition_approving_at_most_participants"),
        ]

    def __str__(self):
        return f"{self.occasion} {self.rate}%"

    @property
    def rate(self):
        """认可度 in percent, one decimal."""
        if not self.participants:
            return None
        return round(self.approving * 100 / self.participants, 1)


class AdjustmentFlag(models.Model):
    """A cadre flagged by a rule, waiting in the review queue until a decision closes it."""

    class State(models.TextChoices):
        OPEN = "open", "待研判"
        CLOSED = "closed", "已处理"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="adjustment_flags")
    rule = models.ForeignKey(FlagRule, verbose_name="规则", on_delete=models.PROTECT, related_name="flags")
    key = models.CharField("依据期间", max_length=40, help_text="所依据的年度或季度，同一依据只预警一次")
    evidence = models.CharField("预警依据", max_length=200)
    raised_on = models.DateField("预警日期")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.OPEN)
    decision = models.ForeignKey("AdjustmentDecision", verbose_name="处理决定", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="flags")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "动态管理预警"
        ordering = ["-raised_on", "-id"]
        permissions = [("decide_adjustment", "研判预警并作出动态管理决定")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "rule", "key"], name="flag_once_per_basis"),
            models.CheckConstraint(condition=models.Q(state="open", decision__isnull=True)
                                   | models.Q(state="closed", decision__isnull=False), name="flag_closed_by_decision"),
        ]
        indexes = [models.Index(fields=["state", "raised_on"])]

    def __str__(self):
        return f"{self.rule}：{self.evidence}"


class AdjustmentDecision(models.Model):
    """What was decided about a flagged cadre, by whom, why and from when."""

    class Outcome(models.TextChoices):
        REMOVE = "remove", "调出科级干部队伍"
        REASSIGN = "reassign", "调整岗位"
        KEEP = "keep", "保留"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="adjustment_decisions")
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices)
    reason = models.CharField("理由", max_length=300)
    decided_on = models.DateField("决定日期")
    effective_date = models.DateField("生效日期", help_text="调出或调整的，原职务于前一日免去")
    document = models.CharField("文号", max_length=100, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   related_name="+")
    new_department = models.ForeignKey("cadres.Department", verbose_name="新任职单位", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    new_title = models.CharField("新任职务", max_length=100, blank=True)
    new_level = models.CharField("新职务层次", max_length=2, blank=True)
    pool_exit = models.BooleanField("同时调出后备干部库", default=False,
                                    help_text="干部在后备干部库中的，同时调出；调出科级干部队伍的一律调出")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "动态管理决定"
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(effective_date__gte=models.F("decided_on")),
                                   name="decision_effective_after_decided"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} {self.effective_date:%Y-%m-%d}"

