"""Post quotas (职数) approved for each unit."""


from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres import messages
from cadres.codes import (
    LeadershipLevel,
    Rank,
)
from cadres.models.departments import Department

# --- post quotas (职数) ---------------------------------------------------------------------------


class PostQuota(models.Model):
    """An approved number of posts (核定职数) of one kind in one unit, from ``effective_from`` on.

    The kind is either a leadership level (``level``: 正科 or 副科 leadership posts) or a 职级
    (``rank``: 一级主任科员 …, where the bureau keeps such quotas), never both. A quota changes by a
    new approval: the one in force on a day D is the latest of its unit and kind effective on or
    before D (``cadres.quotas``), so earlier approvals stay as they were, and a correction of a
    wrongly entered one is an edit with its history row.
    """

    LEVELS = (LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY)

    department = models.ForeignKey(Department, verbose_name="单位", on_delete=models.PROTECT, related_name="quotas")
    level = models.CharField("领导职务层次", max_length=2, blank=True,
                             choices=[(level.value, level.label) for level in LEVELS])
    rank = models.CharField("职级", max_length=2, choices=Rank.choices, blank=True)
    approved = models.PositiveSmallIntegerField("核定职数", validators=[MaxValueValidator(999)])
    document = models.CharField("批准文号", max_length=100, help_text="如：某编发〔2021〕12号")
    approved_on = models.DateField("批准日期")
    effective_from = models.DateField("生效日期", help_text="自这一天起按本核定数计算；此前仍按上一次核定")
    remarks = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "职数核定"
        ordering = ["department__path", "level", "rank", "-effective_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level__in=["51", "52"]) & Q(rank="")) | (Q(level="") & ~Q(rank="")),
                name="quota_is_a_level_or_a_rank",
            ),
            models.UniqueConstraint(fields=["department", "level", "rank", "effective_from"],
                                    name="one_quota_per_unit_kind_and_day",
                                    violation_error_message="该单位同一类职数在这一天已有一条核定记录，请修改那一条"),
        ]
        indexes = [models.Index(fields=["department", "level", "rank", "effective_from"])]

    def __str__(self):
        return f"{self.department}{self.kind_label}{self.approved}名"

    @property
    def kind(self) -> str:
        """The quota's kind as one code: ``L51``/``L52`` for leadership levels, ``R07`` … for ranks."""
        return f"L{self.level}" if self.level else f"R{self.rank}"

    @property
    def kind_label(self) -> str:
        return f"{self.get_level_display()}职数" if self.level else f"{self.get_rank_display()}职数"

    def clean(self):
        if bool(self.level) == bool(self.rank):
            raise ValidationError(messages.QUOTA_LEVEL_OR_RANK)
