"""A cadre's records over time: education, posts and ranks, and the appointment form's sections."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres import messages
from cadres.codes import (
    EducationLevel,
    LeadershipLevel,
    PoliticalStatus,
    Rank,
)
from cadres.dates import precision_field
from cadres.models.cadre import Cadre
from cadres.models.departments import Department


class Education(models.Model):
    """One education (学历) of a cadre, full-time (全日制) or part-time (在职)."""

    class Kind(models.TextChoices):
        FULL_TIME = "fulltime", "全日制"
        PART_TIME = "parttime", "在职"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="educations")
    kind = models.CharField("教育类别", max_length=10, choices=Kind.choices)
    level = models.CharField("学历", max_length=2, choices=EducationLevel.choices)
    degree = models.CharField("学位", max_length=50, blank=True, help_text="如：法学学士、公共管理硕士")
    school_major = models.CharField("毕业院校系及专业", max_length=200, blank=True)
    graduation_date = models.DateField("毕业时间", null=True, blank=True)
    graduation_date_precision = precision_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "学历学位"
        ordering = ["kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "kind", "level"], name="education_unique_per_kind_level"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_level_display()}"


_ENDS_AFTER_START = Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date"))


class AssignmentQuerySet(models.QuerySet):
    def as_of(self, day: dt.date):
        """Return the assignments held on ``day`` (started on or before it, not yet ended)."""
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))

    def open(self):
        return self.filter(end_date__isnull=True)


class PostAssignment(models.Model):
    """A post (职务) a cadre held from ``start_date`` to ``end_date`` (inclusive; open while None)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="posts")
    department = models.ForeignKey(Department, verbose_name="任职单位", on_delete=models.PROTECT, related_name="posts")
    title = models.CharField("职务名称", max_length=100)
    level = models.CharField("职务层次", max_length=2, choices=LeadershipLevel.choices, blank=True)
    start_date = models.DateField("任职时间", null=True, blank=True)
    start_date_precision = precision_field()
    end_date = models.DateField("免职时间", null=True, blank=True)
    document = models.CharField("任免文号", max_length=100, blank=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "职务任职"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_ENDS_AFTER_START,
                name="post_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(level="") | Q(start_date__isnull=False), name="leadership_post_has_start"
            ),
        ]
        indexes = [models.Index(fields=["level", "start_date", "end_date"])]

    def __str__(self):
        return self.title

    def clean(self):
        if self.level and not self.start_date:
            raise ValidationError({"start_date": messages.POST_START_REQUIRED})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": messages.END_BEFORE_START})


class RankAssignment(models.Model):
    """A rank (职级) a cadre held from ``start_date`` to ``end_date`` (inclusive; open while None)."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="ranks")
    rank = models.CharField("职级", max_length=2, choices=Rank.choices)
    start_date = models.DateField("任职级时间", null=True, blank=True)
    start_date_precision = precision_field()
    end_date = models.DateField("终止时间", null=True, blank=True)
    document = models.CharField("文号", max_length=100, blank=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "职级任职"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_ENDS_AFTER_START,
                name="rank_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.get_rank_display()

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": messages.END_BEFORE_START})


# --- the personal record: résumé, family, rewards (the sections of the 干部任免审批表) ----------------


class ResumeEntry(models.Model):
    """A line of a cadre's résumé (简历) entered by hand: study and work before the post history begins.

    From the start of the cadre's earliest post on, the résumé is drawn from the post history
    (``cadres.resume``); an entered line overlapping those years is flagged on the record page.
    An empty ``end_date`` is 至今.
    """

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="resume_entries")
    start_date = models.DateField("起始时间")
    start_date_precision = precision_field()
    end_date = models.DateField("截止时间", null=True, blank=True, help_text="不填表示至今")
    end_date_precision = precision_field()
    unit = models.CharField("单位", max_length=100, blank=True, help_text="如：某某大学法律系、某某县司法局")
    post = models.CharField("职务（身份）", max_length=100, blank=True, help_text="如：学生、科员")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "简历"
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="resume_entry_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.unit}{self.post}"

    def clean(self):
        errors = {}
        if not (self.unit.strip() or self.post.strip()):
            errors["unit"] = messages.RESUME_EMPTY_LINE
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = messages.END_BEFORE_START
        birth_date = self.cadre.birth_date if self.cadre_id else None
        if self.start_date and birth_date and self.start_date < birth_date.replace(day=1):
            errors["start_date"] = messages.RESUME_BEFORE_BIRTH
        if errors:
            raise ValidationError(errors)


# 称谓 as the appointment form lists family members: spouse, children, parents, parents-in-law, siblings.
RELATIONS = ("妻子", "丈夫", "儿子", "女儿", "儿媳", "女婿", "父亲", "母亲", "岳父", "岳母", "公公", "婆婆",
             "继父", "继母", "哥哥", "姐姐", "弟弟", "妹妹")


class FamilyMemberQuerySet(models.QuerySet):
    def in_form_order(self):
        """Order as the appointment form lists them: by 称谓 (``RELATIONS``, others last), then the eldest first."""
        rank = models.Case(*(models.When(relation=name, then=models.Value(i)) for i, name in enumerate(RELATIONS)),
                           default=models.Value(len(RELATIONS)))
        return self.alias(relation_rank=rank).order_by("relation_rank", models.F("birth_date").asc(nulls_last=True),
                                                       "id")


class FamilyMember(models.Model):
    """A family member or main social relation (家庭成员及主要社会关系) of a cadre."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="family_members")
    relation = models.CharField("称谓", max_length=10, help_text="如：妻子、儿子、父亲")
    name = models.CharField("姓名", max_length=50)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    birth_date_precision = precision_field()
    political_status = models.CharField("政治面貌", max_length=2, choices=PoliticalStatus.choices, blank=True)
    work_unit_and_post = models.CharField("工作单位及职务", max_length=200, blank=True,
                                          help_text="如：某某公司职员；已退休、已去世的照此填写")
    history = HistoricalRecords()

    objects = FamilyMemberQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "家庭成员及主要社会关系"
        ordering = ["id"]

    def __str__(self):
        return f"{self.relation} {self.name}"


class Reward(models.Model):
    """A reward or honour (奖励) of a cadre.

    With the 处分 on record it makes the 奖惩情况 the appointment form writes as one text
    (``cadres.selectors.rewards_and_penalties``): one line per reward, "2019.12 被评为区优秀公务员（县级）".
    """

    class Kind(models.TextChoices):
        TITLE = "title", "荣誉称号"
        COMMENDATION = "commendation", "嘉奖"
        MERIT_THIRD = "merit3", "记三等功"
        MERIT_SECOND = "merit2", "记二等功"
        MERIT_FIRST = "merit1", "记一等功"
        OTHER = "other", "其他表彰奖励"

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省部级"
        MUNICIPAL = "municipal", "市厅级"
        COUNTY = "county", "县级"
        OTHER = "other", "其他"

    # Kinds whose name is the reward itself (the title conferred, or what was won); the others name a reason.
    NAMED_KINDS = (Kind.TITLE, Kind.OTHER)

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="rewards")
    kind = models.CharField("奖励类别", max_length=12, choices=Kind.choices)
    name = models.CharField("奖励名称", max_length=100, blank=True,
                            help_text="荣誉称号填称号，如：区优秀公务员；嘉奖、记功可填事由，如：2018年度考核优秀")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    granted_by = models.CharField("授予单位", max_length=100, blank=True, help_text="如：中共某某区委、某某区人民政府")
    granted_on = models.DateField("授予时间")
    granted_on_precision = precision_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "奖励"
        ordering = ["granted_on", "id"]

    def __str__(self):
        return self.name or self.get_kind_display()

    def clean(self):
        if self.kind in self.NAMED_KINDS and not self.name.strip():
            raise ValidationError({"name": messages.REWARD_NAME_REQUIRED})

    @property
    def phrase(self) -> str:
        """Return the reward as the 奖惩情况 words it: 被评为区优秀公务员（县级）, 2018年度考核优秀，记三等功."""
        if self.kind == self.Kind.TITLE:
            text = f"被评为{self.name}"
        elif self.kind == self.Kind.OTHER:
            text = self.name
        else:
            verb = "获嘉奖" if self.kind == self.Kind.COMMENDATION else self.get_kind_display()
            text = f"{self.name}，{verb}" if self.name else verb
        return text if self.level == self.Level.OTHER else f"{text}（{self.get_level_display()}）"
