"""The attachment store: one row per uploaded file, owned by any record through a generic relation."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


def stored_name(instance, filename: str) -> str:
    """Return a random path under MEDIA_ROOT: the uploaded name never becomes part of a path."""
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to a record (a filing, a step …): what it is, who uploaded it and when.

    ``content_type`` is the type sniffed from the content at upload (``content.sniff``); the
    uploaded name is kept for the download's file name only. ``sha256`` lets a copy be told.
    """

    owner_type = models.ForeignKey(ContentType, verbose_name="所属记录类型", on_delete=models.PROTECT,
                                   related_name="+")
    owner_id = models.PositiveBigIntegerField("所属记录编号")
    owner = GenericForeignKey("owner_type", "owner_id")
    label = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to=stored_name, max_length=200)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]

    def __str__(self):
        return f"{self.label}（{self.original_name}）"

    @property
    def size_text(self) -> str:
        """The size as people read it: 812 KB, 3.4 MB."""
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"
