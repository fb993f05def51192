"""The report archive (月度报表档案) and the appointment forms' imports (任免审批表 LRMX).

- ``MonthlyReport``: one built version of the monthly report to the district committee for a month
  and a scope (the whole bureau, or one unit with its subtree). Building is idempotent per (month,
  scope): running again rebuilds the open version in place. Once marked 已报送 a version is frozen;
  running the month again makes the next version beside it.
- ``LrmxImport``: an uploaded ``.lrmx`` file held between its preview and its confirmation
  (all or nothing), with what it would change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres.models import Cadre, Department


def report_file_name(instance, filename: str) -> str:
    """Store report files under a name of our making (never the uploader's or the month's text alone)."""
    return f"reports/{instance.month:%Y}/{filename}"


class MonthlyReport(models.Model):
    """One version of the monthly report for ``month`` (its first day) over ``department``'s subtree.

    ``department`` None is the whole bureau. At most one version per (month, scope) is open
    (not 已报送): a new run rebuilds it; a reported version is frozen and never rebuilt.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        READY = "ready", "已生成"
        FAILED = "failed", "生成失败"
        REPORTED = "reported", "已报送"

    month = models.DateField("统计月份", help_text="该月第一天；统计时点为该月最后一天")
    department = models.ForeignKey(Department, verbose_name="统计范围", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="monthly_reports",
                                   help_text="为空表示全局")
    version = models.PositiveIntegerField("版本", default=1)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    figures = models.JSONField("报表数字", default=dict, blank=True, editable=False)
    xlsx = models.FileField("Excel 文件", upload_to=report_file_name, max_length=200, blank=True)
    pdf = models.FileField("PDF 文件", upload_to=report_file_name, max_length=200, blank=True)
    error = models.CharField("失败原因", max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text="为空表示每月 1 日的定时任务")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("报送时间", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "月度报表"
        ordering = ["-month", "department__path", "-version"]
        permissions = [("run_monthlyreport", "生成月度报表"), ("submit_monthlyreport", "标记月度报表已报送")]
        constraints = [
            models.UniqueConstraint(fields=["month", "version"], condition=Q(department__isnull=True),
                                    name="monthly_report_bureau_version"),
            models.UniqueConstraint(fields=["month", "department", "version"], condition=Q(department__isnull=False),
                                    name="monthly_report_unit_version"),
            models.UniqueConstraint(fields=["month"], condition=Q(department__isnull=True) & ~Q(state="reported"),
                                    name="monthly_report_bureau_one_open"),
            models.UniqueConstraint(fields=["month", "department"],
                                    condition=Q(department__isnull=False) & ~Q(state="reported"),
                                    name="monthly_report_unit_one_open"),
            models.CheckConstraint(condition=~Q(state="reported") | Q(reported_at__isnull=False),
                                   name="monthly_report_reported_when_marked"),
        ]

    def __str__(self):
        return f"{self.month:%Y年%m月}月度报表 第{self.version}版"


class LrmxImport(models.Model):
    """An uploaded 任免审批表 (``.lrmx``) waiting for confirmation, or confirmed, or discarded.

    ``parsed`` holds what the file says, field by field, as checked; ``cadre`` is the cadre it
    matches by ID number (None: it would add a new cadre to ``department``).
    """

    class State(models.TextChoices):
        PREVIEW = "preview", "待确认"
        APPLIED = "applied", "已导入"
        DISCARDED = "discarded", "已放弃"

    filename = models.CharField("文件名", max_length=200)
    parsed = models.JSONField("文件内容", default=dict, editable=False)
    cadre = models.ForeignKey(Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    department = models.ForeignKey(Department, verbose_name="新增干部的单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PREVIEW)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "任免审批表导入"
        ordering = ["-uploaded_at"]
        permissions = [("export_appointment_form", "导出干部任免审批表"), ("import_lrmx", "导入任免审批表（LRMX）")]

    def __str__(self):
        return self.filename
