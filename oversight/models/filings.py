"""备案 (filings): what a cadre reports to the personnel office, and its way to the file.

A filing is submitted (报送), received (接收), reviewed (审核) and filed (归档), or returned for
correction (退回) or refused (不予备案), with who and when at each step. Three kinds, each with its
own fields: 学历教育 (enrolment or completion of a course of study), 县级以上荣誉 and 信访 reports
(restricted: only 纪检监察, 局领导 and 人事干部 see them). A filing is due within the months its
kind's rule says (``FilingRule``; by default one month, as the 2018 干部人事档案工作条例 asks
materials to reach the file within a month of being formed).
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cadres.codes import EducationLevel


def add_months(day: dt.date, months: int) -> dt.date:
    """Return ``day`` moved by ``months`` (the 31st becomes the month's last day where it has none)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class FilingKind(models.TextChoices):
    EDUCATION = "education", "学历教育"
    HONOUR = "honour", "县级以上荣誉"
    PETITION = "petition", "信访"


class FilingRule(models.Model):
    """The rule of a kind of filing, kept as data: due within ``due_months`` of the event, reminded
    ``remind_days`` before it is due."""

    kind = models.CharField("备案类别", max_length=12, choices=FilingKind.choices, unique=True)
    due_months = models.PositiveSmallIntegerField("办结时限（月）", default=1,
                                                  help_text="自事项发生之日起，材料应在此月数内归档")
    remind_days = models.PositiveSmallIntegerField("提前提醒（天）", default=7)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "备案时限规则"
        ordering = ["kind"]
        constraints = [models.CheckConstraint(condition=Q(due_months__gte=1), name="filing_rule_due_at_least_a_month")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.due_months}个月内归档"


class Filing(models.Model):
    """One 备案 of a cadre and its way from 报送 to 归档 (states and who/when of each step)."""

    Kind = FilingKind

    class State(models.TextChoices):
        SUBMITTED = "submitted", "已报送"
        RECEIVED = "received", "已接收"
        REVIEWED = "reviewed", "已审核"
        FILED = "filed", "已归档"
        RETURNED = "returned", "已退回"
        REJECTED = "rejected", "不予备案"

    # States in which a filing is still on its way (counted for 逾期 and reminders).
    OPEN_STATES = (State.SUBMITTED, State.RECEIVED, State.REVIEWED, State.RETURNED)

    class EducationStage(models.TextChoices):
        ENROLMENT = "enrolment", "入学"
        COMPLETION = "completion", "毕业（结业）"

    class StudyMode(models.TextChoices):
        PARTY_SCHOOL = "party_school", "党校在职教育"
        CORRESPONDENCE = "correspondence", "函授"
        PART_TIME = "part_time", "业余"
        ONLINE = "online", "网络教育"
        SELF_STUDY = "self_study", "高等教育自学考试"
        IN_SERVICE_POSTGRAD = "postgrad", "在职研究生"
        OTHER = "other", "其他"

    class HonourLevel(models.TextChoices):
        COUNTY = "county", "县级"
        MUNICIPAL = "municipal", "市级"
        PROVINCIAL = "provincial", "省级"
        NATIONAL = "national", "国家级"

    class PetitionSource(models.TextChoices):
        LETTER = "letter", "来信"
        VISIT = "visit", "来访"
        ONLINE = "online", "网上信访"
        HOTLINE = "hotline", "12345热线"
        REFERRED = "referred", "上级转办"
        OTHER = "other", "其他"

    class Outcome(models.TextChoices):
        TRUE = "true", "属实"
        PARTLY_TRUE = "partly", "部分属实"
        UNTRUE = "untrue", "不属实"
        OTHER = "other", "其他"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT, related_name="filings")
    kind = models.CharField("备案类别", max_length=12, choices=Kind.choices)
    event_date = models.DateField("事项发生日期", help_text="入学或毕业、授予荣誉、收到信访件的日期")
    due_on = models.DateField("应归档日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SUBMITTED)
    note = models.CharField("备注", max_length=200, blank=True)

    # 学历教育
    education_stage = models.CharField("入学或毕业", max_length=12, choices=EducationStage.choices, blank=True)
    school = models.CharField("院校", max_length=100, blank=True)
    major = models.CharField("专业", max_length=100, blank=True)
    education_level = models.CharField("学历", max_length=2, choices=EducationLevel.choices, blank=True)
    degree = models.CharField("学位", max_length=50, blank=True, help_text="如：法学学士、公共管理硕士；无学位不填")
    study_mode = models.CharField("学习形式", max_length=16, choices=StudyMode.choices, blank=True)

    # 县级以上荣誉
    honour_title = models.CharField("荣誉名称", max_length=100, blank=True, help_text="如：全区优秀共产党员")
    awarding_body = models.CharField("授予机关", max_length=100, blank=True, help_text="如：中共某某区委")
    honour_level = models.CharField("荣誉级别", max_length=12, choices=HonourLevel.choices, blank=True)

    # 信访
    petition_source = models.CharField("信访来源", max_length=12, choices=PetitionSource.choices, blank=True)
    petition_summary = models.CharField("反映问题摘要", max_length=500, blank=True)
    outcome = models.CharField("核查结论", max_length=8, choices=Outcome.choices, blank=True)
    handling = models.CharField("处理情况", max_length=500, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查结论录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    outcome_at = models.DateTimeField("核查结论录入时间", null=True, blank=True)

    # Who and when at each step.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("报送时间")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField("接收时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_opinion = models.CharField("审核意见", max_length=200, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="归档人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("归档时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="退回或不予备案人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("退回或不予备案时间", null=True, blank=True)
    closed_reason = models.CharField("退回或不予备案理由", max_length=200, blank=True)

    # What filing it added to the roster (each exactly once).
    education_record = models.OneToOneField("cadres.Education", verbose_name="写入的学历记录", null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="filing")
    reward_record = models.OneToOneField("cadres.Reward", verbose_name="写入的奖励记录", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="filing")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "备案"
        ordering = ["-event_date", "-id"]
        permissions = [
            ("handle_filing", "办理备案（接收、审核、归档、退回）"),
            ("view_petition", "查阅信访备案"),
            ("record_petition_outcome", "录入信访核查结论"),
        ]
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["cadre", "event_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("event_date")), name="filing_due_after_event"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}备案：{self.subject}"

    @property
    def subject(self) -> str:
        """What the filing is about, in a few words (for lists, the timeline and audit rows)."""
        if self.kind == self.Kind.EDUCATION:
            level = self.get_education_level_display().removesuffix("毕业")  # GB/T 4658 labels: 大学本科毕业
            parts = [self.school, self.major, level, self.get_education_stage_display()]
            return " ".join(part for part in parts if part)
        if self.kind == self.Kind.HONOUR:
            level = f"（{self.get_honour_level_display()}）" if self.honour_level else ""
            return f"{self.honour_title}{level}"
        return f"{self.get_petition_source_display()}反映问题" if self.petition_source else "信访反映问题"

    # The fields each kind must have, checked by ``clean``.
    REQUIRED_FIELDS = {
        Kind.EDUCATION: ("education_stage", "school", "major", "education_level", "study_mode"),
        Kind.HONOUR: ("honour_title", "awarding_body", "honour_level"),
        Kind.PETITION: ("petition_source", "petition_summary"),
    }

    def clean(self):
        from oversight import filing_messages as texts

        errors = {}
        for name in self.REQUIRED_FIELDS.get(self.kind, ()):
            if not str(getattr(self, name) or "").strip():
                errors[name] = texts.REQUIRED.format(label=self._meta.get_field(name).verbose_name)
        if self.event_date and self.event_date > timezone.localdate():
            errors["event_date"] = texts.EVENT_IN_FUTURE
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_on < today
