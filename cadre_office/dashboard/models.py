"""The three-year plan's structure targets, and the figures stored for each statistics date."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class TargetCode(models.TextChoices):
    """The structure targets of docs/definitions.md; each code's definition lives in ``figures``."""

    ZK_UNDER40 = "zk_under40", "40岁及以下正科实职干部占正科实职比例"
    FK_UNDER40 = "fk_under40", "40岁及以下副科实职干部占副科实职比例"
    ZK_UNDER40_BACHELOR = "zk_under40_bachelor", "40岁及以下正科实职中全日制本科及以上学历比例"
    FK_UNDER40_BACHELOR = "fk_under40_bachelor", "40岁及以下副科实职中全日制本科及以上学历比例"
    FEMALE = "female", "女干部占科级干部比例"
    NON_PARTY = "non_party", "党外干部占科级干部比例"
    MINORITY = "minority", "少数民族干部占科级干部比例"
    ZK_AROUND30 = "zk_around30", "30岁左右正科实职干部（储备）"
    FK_TOTAL = "fk_total", "副科实职干部总数"


class Plan(models.Model):
    """An implementation opinion (实施意见) with its period; its targets are rows of ``Target``."""

    name = models.CharField("名称", max_length=100)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("截止日期")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "实施意见（规划）"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="plan_ends_after_start"
            ),
        ]
        permissions = [("recompute_dashboard", "重新计算结构看板")]

    def __str__(self):
        return f"{self.name}（{self.start_date:%Y}—{self.end_date:%Y}）"


class Target(models.Model):
    """One structure target of a plan: its goal and the parameters its definition uses.

    ``goal`` is a fraction for a ratio (0.35), a head count for a count target, or empty
    where the plan names no number ("一定比例", the redacted N). ``age_max`` is the age
    bound of the definition: 40 for the under-40 targets, 32 for the 30-year reserve.
    """

    class Kind(models.TextChoices):
        RATIO = "ratio", "比例"
        COUNT = "count", "人数"

    plan = models.ForeignKey(Plan, verbose_name="实施意见", on_delete=models.CASCADE, related_name="targets")
    code = models.CharField("代码", max_length=30, choices=TargetCode.choices)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=5, choices=Kind.choices)
    goal = models.DecimalField("目标值", max_digits=8, decimal_places=4, null=True, blank=True,
                               help_text="比例填小数（如 0.35 即 35%）；人数填整数；无具体数值（“一定比例”）留空。")
    age_max = models.PositiveSmallIntegerField("年龄上限（周岁）", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序号", default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "结构目标"
        ordering = ["plan", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code_per_plan")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.goal is not None and self.kind == self.Kind.RATIO and not (0 <= self.goal <= 1):
            raise ValidationError({"goal": "比例目标须在 0 到 1 之间（如 0.35）。"})
        if self.goal is not None and self.kind == self.Kind.COUNT and self.goal != int(self.goal):
            raise ValidationError({"goal": "人数目标须为整数。"})


class Snapshot(models.Model):
    """The figures of one plan on one statistics date; recomputing the date replaces it."""

    plan = models.ForeignKey(Plan, verbose_name="实施意见", on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField("统计时点")
    computed_at = models.DateTimeField("计算时间", auto_now=True)
    source = models.CharField("来源", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "看板快照"
        ordering = ["-as_of"]
        permissions = [("export_dashboard", "导出看板和下钻名单")]
        constraints = [models.UniqueConstraint(fields=["plan", "as_of"], name="snapshot_unique_plan_date")]

    def __str__(self):
        return f"{self.plan.name} {self.as_of:%Y-%m-%d}"


class Figure(models.Model):
    """A numerator and denominator of one target on a snapshot: for the bureau or one department.

    Department rows count the cadres whose own department it is (not its sub-departments),
    so the figures of any set of departments are sums of rows.
    """

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    department = models.ForeignKey("cadres.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+")
    code = models.CharField(max_length=30, choices=TargetCode.choices)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField(null=True, blank=True)
    # Under-40 targets: how many of the numerator (and of an age-bounded denominator) will be
    # past the age bound on the plan's end date, for the page's forecast (empty otherwise).
    aging_out = models.PositiveIntegerField(null=True, blank=True)
    aging_out_of_denominator = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "看板数据"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "department", "code"], name="figure_unique_per_department",
                                    condition=models.Q(department__isnull=False)),
            models.UniqueConstraint(fields=["snapshot", "code"], name="figure_unique_for_bureau",
                                    condition=models.Q(department__isnull=True)),
        ]
        indexes = [models.Index(fields=["code", "snapshot"])]

    def __str__(self):
        return f"{self.code} {self.numerator}/{self.denominator}"


class RecomputeJob(models.Model):
    """A recompute asked for from the dashboard page, so the page can show its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    as_of = models.DateField("统计时点")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "看板计算任务"
        ordering = ["-requested_at"]
        default_permissions = ()

    def __str__(self):
        return f"{self.as_of:%Y-%m-%d} {self.get_state_display()}"
