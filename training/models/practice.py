"""实践锻炼 (placements at the front line or 挂职 elsewhere) and 岗位交流 (rotation across posts).

A placement goes planned → under way → ended (with its assessment), each step a service. A rotation
plan names the post a cadre moves to and the date; carrying it out starts the new post through the
roster's services (``cadres.services.cadres.post_start``) on that date, ending the old one the day
before, so the post history keeps both; the current post is never edited in place.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres.codes import LeadershipLevel


class PracticePlacement(models.Model):
    """A cadre placed at the front line, at the grass roots or 挂职 in another unit for a period."""

    class Kind(models.TextChoices):
        FRONT_LINE = "front_line", "一线实践锻炼"
        GRASS_ROOTS = "grass_roots", "基层实践锻炼"
        SECONDMENT = "secondment", "挂职锻炼"

    class State(models.TextChoices):
        PLANNED = "planned", "计划中"
        UNDER_WAY = "under_way", "锻炼中"
        ENDED = "ended", "已期满"
        CANCELLED = "cancelled", "已取消"

    class Assessment(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        PASS = "pass", "合格"
        FAIL = "fail", "不合格"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="placements")
    kind = models.CharField("锻炼类型", max_length=12, choices=Kind.choices)
    host = models.CharField("锻炼单位", max_length=100)
    role = models.CharField("挂任职务或岗位", max_length=100)
    mentor = models.CharField("导师（联系人）", max_length=50, blank=True)
    planned_start = models.DateField("计划开始日期")
    planned_end = models.DateField("计划结束日期")
    started_on = models.DateField("实际开始日期", null=True, blank=True)
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PLANNED)
    assessment = models.CharField("期满考核", max_length=12, choices=Assessment.choices, blank=True)
    assessment_text = models.TextField("考核评价", blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "实践锻炼"
        ordering = ["-planned_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start")),
                                   name="placement_ends_after_start"),
            models.CheckConstraint(condition=~Q(state="ended") | Q(ended_on__isnull=False) & ~Q(assessment=""),
                                   name="placement_ended_with_assessment"),
        ]
        indexes = [models.Index(fields=["state", "planned_end"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.host}"


class RotationPlan(models.Model):
    """A planned move of a cadre from their post to another (岗位交流), carried out on ``planned_date``."""

    class State(models.TextChoices):
        PLANNED = "planned", "待交流"
        DONE = "done", "已交流"
        CANCELLED = "cancelled", "已取消"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="rotation_plans")
    from_post = models.ForeignKey("cadres.PostAssignment", verbose_name="原任职务", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    to_department = models.ForeignKey("cadres.Department", verbose_name="交流到单位", on_delete=models.PROTECT,
                                      related_name="+")
    to_title = models.CharField("拟任职务", max_length=100)
    to_level = models.CharField("职务层次", max_length=2, choices=LeadershipLevel.choices, blank=True)
    planned_date = models.DateField("计划交流日期")
    reason = models.CharField("交流理由", max_length=200)
    document = models.CharField("文号", max_length=100, blank=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.PLANNED)
    done_on = models.DateField("交流日期", null=True, blank=True)
    new_post = models.ForeignKey("cadres.PostAssignment", verbose_name="新任职务", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "岗位交流"
        ordering = ["-planned_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["cadre"], condition=Q(state="planned"),
                                    name="one_planned_rotation_per_cadre"),
            models.CheckConstraint(condition=~Q(state="done") | Q(done_on__isnull=False),
                                   name="rotation_done_has_date"),
        ]
        indexes = [models.Index(fields=["state", "planned_date"])]

    def __str__(self):
        return f"{self.cadre} → {self.to_title}"
