"""积分管理 (the points ledger): the rule table kept as data and the entries recorded against it.

A ``PointRule`` is one line of the bureau's points table (an item, ± points, a yearly cap per
cadre, how long an entry counts, whether evidence is required and who reviews). A ``PointEntry``
is one application of a rule to a cadre: entered by one person, approved or rejected by another
who holds the rule's reviewer role. Only approved entries inside their validity count
(``oversight.selectors.points.points_totals``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadre_office.accounts.roles import Role

SIGN_MISMATCH = "加分项目的分值须为正数，减分项目的分值须为负数。"
CAP_NOT_POSITIVE = "年度上限须大于零；不设上限请留空。"

# The roles that may review an entry: the rule names one of them.
REVIEWER_ROLES = [(Role.PERSONNEL.value, Role.PERSONNEL.label), (Role.LEADER.value, Role.LEADER.label)]


def points_text(value, *, sign: bool = False) -> str:
    """Return a points value as people write it: 5, -0.5, +3 (no trailing .0)."""
    text = format(value.normalize(), "f") if value is not None else ""
    return f"+{text}" if sign and value is not None and value > 0 else text


class PointRule(models.Model):
    """One item of the points table: 获得县级以上表彰 +5, at most 10 a year, counts 12 months …"""

    class Category(models.TextChoices):
        BONUS = "bonus", "加分"
        PENALTY = "penalty", "减分"

    name = models.CharField("积分项目", max_length=100, unique=True)
    category = models.CharField("类别", max_length=8, choices=Category.choices)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1,
                                 help_text="加分为正数，减分为负数，如 5 或 -3")
    yearly_cap = models.DecimalField("年度上限", max_digits=5, decimal_places=1, null=True, blank=True,
                                     help_text="同一干部一年内本项累计分值（绝对值）的上限；留空为不设上限")
    validity_months = models.PositiveSmallIntegerField("有效期（月）", default=12,
                                                       help_text="自发生之日起计入积分的月数")
    evidence_required = models.BooleanField("须提供依据", default=True)
    evidence_hint = models.CharField("依据材料", max_length=100, blank=True,
                                     help_text="如：表彰文件文号；诫勉决定书文号")
    reviewer_role = models.CharField("审核角色", max_length=10, choices=REVIEWER_ROLES, default=Role.PERSONNEL.value)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "积分规则"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category="bonus", points__gt=0) | Q(category="penalty", points__lt=0),
                name="point_rule_sign_matches_category"),
            models.CheckConstraint(condition=Q(yearly_cap__isnull=True) | Q(yearly_cap__gt=0),
                                   name="point_rule_cap_positive"),
            models.CheckConstraint(condition=Q(validity_months__gte=1), name="point_rule_validity_positive"),
        ]

    def __str__(self):
        return f"{self.name}（{points_text(self.points, sign=True)}）"

    def clean(self):
        # Said in words here, before the check constraints' generic messages.
        errors = {}
        if self.points is not None and self.category and (
                (self.category == self.Category.BONUS) != (self.points > 0) or self.points == 0):
            errors["points"] = SIGN_MISMATCH
        if self.yearly_cap is not None and self.yearly_cap <= 0:
            errors["yearly_cap"] = CAP_NOT_POSITIVE
        if errors:
            raise ValidationError(errors)


class PointEntry(models.Model):
    """A rule applied to a cadre on a date, with its evidence, awaiting or past review."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="point_entries")
    rule = models.ForeignKey(PointRule, verbose_name="积分项目", on_delete=models.PROTECT, related_name="entries")
    occurred_on = models.DateField("发生日期")
    points = models.DecimalField("分值", max_digits=5, decimal_places=1, editable=False)
    valid_until = models.DateField("有效期至", editable=False)
    evidence = models.CharField("依据", max_length=200, blank=True, help_text="文件文号或情况说明")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, editable=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+", editable=False)
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    review_note = models.CharField("审核意见", max_length=200, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "积分记录"
        ordering = ["-occurred_on", "-id"]
        permissions = [("review_pointentry", "审核积分"), ("export_points", "导出积分排名")]
        indexes = [models.Index(fields=["cadre", "state", "valid_until"], name="point_entry_counting")]

    def __str__(self):
        return f"{self.rule.name} {points_text(self.points, sign=True)}（{self.occurred_on:%Y-%m-%d}）"
