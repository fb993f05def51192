"""Roster workbooks uploaded through the web pages, from preview to import."""


from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class RosterImport(models.Model):
    """An uploaded roster workbook: its preview, its confirmation, then the record of its import.

    The workbook is kept in the database (not on one web node's disk) between upload and
    confirmation, and dropped once the import is applied, cancelled, failed or expired (a day
    after upload unconfirmed, ``settings.ROSTER_IMPORT_TTL``). A large workbook's preview and
    every confirmed import run as Celery jobs (``cadres.tasks``); ``job_started_at`` is when the
    current one was asked for, so a job lost past ``settings.BACKGROUND_JOB_TIMEOUT`` is failed.
    ``preview`` holds what the preview page shows (the first rows of each kind and the errors).
    States move only through ``cadres.services.roster_uploads``, along ``TRANSITIONS``.
    """

    class State(models.TextChoices):
        PREVIEWING = "previewing", "生成预览中"
        PREVIEWED = "previewed", "待确认"
        REJECTED = "rejected", "有错误"
        QUEUED = "queued", "排队导入"
        APPLYING = "applying", "导入中"
        APPLIED = "applied", "已导入"
        FAILED = "failed", "未完成"
        CANCELLED = "cancelled", "已取消"
        EXPIRED = "expired", "已过期"

    # The states a job is working in: they time out, and the page follows them.
    RUNNING = (State.PREVIEWING, State.QUEUED, State.APPLYING)
    # The states that still hold the uploaded workbook or its preview, and expire.
    WAITING = (State.PREVIEWED, State.REJECTED)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField("文件名", max_length=200)
    content = models.BinaryField(editable=False, default=b"")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PREVIEWED)
    rows_total = models.PositiveIntegerField("行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("变更", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    error_count = models.PositiveIntegerField("错误", default=0)
    preview = models.JSONField(editable=False, default=dict)
    error = models.TextField("未完成原因", blank=True)
    client_ip = models.GenericIPAddressField("操作地址", null=True, blank=True)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    job_started_at = models.DateTimeField("任务开始时间", null=True, blank=True)
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)
    # The workbook and its preview are personal data kept for a day: no history row keeps a copy.
    history = HistoricalRecords(excluded_fields=["content", "preview"])

    class Meta:
        verbose_name = verbose_name_plural = "花名册导入"
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["state", "uploaded_at"], name="rosterimport_state_uploaded")]

    def __str__(self):
        return f"{self.file_name}（{self.get_state_display()}）"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING
