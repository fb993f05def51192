"""谈心谈话 (talks): a talk with a cadre, due or held, its follow-ups, and the yearly talk plan.

A talk is either raised as due by an event (``oversight.events.talk_required``: an appointment at
step 15, a discipline or 诫勉, a 较差 grade), one talk per ``source``, or recorded ad hoc once held.
The summary has the three fields talk records use (肯定成绩, 指出不足, 提出要求), not one box.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Talk(models.Model):
    """A talk with ``cadre``: due (with a date it is due by) or held (with who, when, where and what)."""

    class Kind(models.TextChoices):
        DAILY = "daily", "日常谈心"
        APPOINTMENT = "appointment", "任职谈话"
        REMINDER = "reminder", "提醒谈话"
        ADMONITION = "admonition", "诫勉谈话"
        DEPARTURE = "departure", "离任谈话"

    class State(models.TextChoices):
        DUE = "due", "待谈话"
        HELD = "held", "已谈话"
        CANCELLED = "cancelled", "已取消"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="谈话对象", on_delete=models.CASCADE, related_name="talks")
    kind = models.CharField("谈话类型", max_length=12, choices=Kind.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DUE, editable=False)
    due_on = models.DateField("应谈日期", null=True, blank=True, help_text="最迟应于此日前完成谈话")
    reason = models.CharField("谈话事由", max_length=200, blank=True)
    source = models.CharField("来源", max_length=100, null=True, blank=True, unique=True, editable=False)
    talker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="谈话人", on_delete=models.PROTECT,
                               related_name="talks_held", null=True, blank=True)
    talker_name = models.CharField("谈话人（系统外）", max_length=50, blank=True,
                                   help_text="谈话人不是系统用户时填写姓名和职务")
    held_on = models.DateField("谈话日期", null=True, blank=True)
    place = models.CharField("谈话地点", max_length=100, blank=True)
    praise = models.TextField("肯定成绩", blank=True)
    shortcomings = models.TextField("指出不足", blank=True)
    requirements = models.TextField("提出要求", blank=True)
    cadre_response = models.TextField("本人表态", blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "谈心谈话"
        ordering = ["-held_on", "due_on", "-id"]
        permissions = [("record_any_talk", "记录任何谈心谈话"), ("record_own_talk", "记录本人主持的谈心谈话")]
        constraints = [
            models.CheckConstraint(condition=~Q(state="held") | Q(held_on__isnull=False), name="talk_held_has_date"),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="talk_state_due")]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.cadre}）"

    @property
    def talker_display(self) -> str:
        if self.talker_id:
            return self.talker.get_full_name() or self.talker.get_username()
        return self.talker_name


class TalkFollowUp(models.Model):
    """A thing the cadre is to do after a talk, by a date, and what came of it."""

    talk = models.ForeignKey(Talk, verbose_name="谈话", on_delete=models.CASCADE, related_name="follow_ups")
    item = models.CharField("整改事项", max_length=200)
    due_on = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    result = models.CharField("完成情况", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "谈话跟踪事项"
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.item


class TalkPlan(models.Model):
    """The yearly talk plan: the principal leader talks with every 科级 cadre in service, so many times a year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="主要领导", on_delete=models.PROTECT,
                               related_name="talk_plans")
    kinds = models.JSONField("计入的谈话类型", default=list, blank=True,
                             help_text="留空表示各类谈话均计入")
    min_per_cadre = models.PositiveSmallIntegerField("每人至少次数", default=1)
    note = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年度谈心谈话计划"
        ordering = ["-year"]
        constraints = [models.CheckConstraint(condition=Q(min_per_cadre__gte=1), name="talk_plan_min_positive")]

    def __str__(self):
        return f"{self.year}年度谈心谈话计划"
