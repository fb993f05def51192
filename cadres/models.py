"""The roster: departments, cadres, and their education, posts and ranks over time."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cadres import messages
from cadres.codes import (
    EducationLevel,
    Ethnicity,
    Gender,
    LeadershipLevel,
    PersonnelStatus,
    PoliticalStatus,
    Rank,
)
from cadres.dates import precision_field
from cadres.idnumbers import IdNumberError, mask_id_number, parse_id_number
from cadres.pinyin import name_search_keys

SORT_ORDER_MAX = 99999


def path_segment(sort_order: int, pk: int) -> str:
    """One level of a department's tree path: sort order and id, each zero-padded to a fixed width."""
    return f"{sort_order:05d}-{pk:07d}/"


class DepartmentQuerySet(models.QuerySet):
    def in_tree_order(self):
        """Order departments as the bureau lists them: parents before children, by sort order."""
        return self.order_by("path")


class Department(models.Model):
    """A unit of the bureau: the bureau itself, its sections (科室) and subordinate units.

    ``path`` is a materialised path of fixed-width segments, each the sort order and the id,
    zero-padded ("/00000-0000001/00010-0000004/"), kept by the services, so that "this department
    and everything under it" is one indexed prefix match and ordering by path lists the tree in
    order: siblings by their sort order as a number, equal ones by id (as created), never as text.
    Every segment has the same width, so no collation (a database's, PostgreSQL's ICU) can put
    unit 10 before unit 2.
    """

    class Kind(models.TextChoices):
        BUREAU = "bureau", "局机关"
        SECTION = "section", "内设科室"
        UNIT = "unit", "下属单位"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.SECTION)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField("排序号", default=100, validators=[MaxValueValidator(SORT_ORDER_MAX)],
                                             help_text="同级单位按排序号从小到大排列")
    is_active = models.BooleanField("启用", default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["path"])

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]
        permissions = [("view_department_cadres", "查看本单位及下级单位的干部（按单位授权）")]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def path_segment(self) -> str:
        return path_segment(self.sort_order, self.pk)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """A department granted to a user (django-guardian, direct foreign key).

    Scope is granted on departments, never per cadre: a department head holds
    ``view_department_cadres`` on their department, which covers its sub-departments.
    """

    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "单位授权"


class CadreQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PersonnelStatus.ACTIVE)


class Cadre(models.Model):
    """A cadre (干部) on the bureau's roster, with the fields of the roster workbook.

    The current post, level and rank are a cache of the open post and rank assignment,
    kept by the services in the same transaction so the roster can filter and sort
    without joining the history; the assignments remain the record.
    """

    name = models.CharField("姓名", max_length=50, validators=[MinLengthValidator(1)])
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    political_status = models.CharField("政治面貌", max_length=2, choices=PoliticalStatus.choices)
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    party_join_date_precision = precision_field()
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    work_start_date_precision = precision_field()
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    birthplace = models.CharField("出生地", max_length=50, blank=True)
    health = models.CharField("健康状况", max_length=50, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=100, blank=True)
    professional_title_date = models.DateField("专业技术职务取得时间", null=True, blank=True)
    professional_title_date_precision = precision_field()
    specialty = models.CharField("专长", max_length=100, blank=True, help_text="简短的专长，如：法律、财务")
    familiar_expertise = models.CharField(
        "熟悉专业有何专长", max_length=200, blank=True,
        help_text="干部任免审批表中的写法，如：熟悉行政执法工作，有法律专长")
    remarks = models.TextField("备注", blank=True)
    photo = models.ImageField("照片", upload_to="photos/%Y/", blank=True)

    department = models.ForeignKey(
        Department, verbose_name="工作单位", on_delete=models.PROTECT, related_name="cadres"
    )
    status = models.CharField(
        "人员状态", max_length=12, choices=PersonnelStatus.choices, default=PersonnelStatus.ACTIVE
    )
    status_date = models.DateField(
        "状态变更日期",
        null=True,
        blank=True,
        help_text="离开在职状态的日期（这一天起不再在职）；为空表示自始即为该状态（如导入时未填日期的调出、退休人员）。",
    )
    status_reason = models.CharField("状态变更原因", max_length=200, blank=True,
                                     help_text="如：达到法定退休年龄；调往某某单位；本人申请辞去公职")

    current_post_title = models.CharField("现任职务", max_length=100, blank=True, editable=False)
    current_level = models.CharField(
        "职务层次", max_length=2, choices=LeadershipLevel.choices, blank=True, editable=False
    )
    current_post_start = models.DateField("任现职时间", null=True, blank=True, editable=False)
    current_post_start_precision = precision_field()
    current_rank = models.CharField("职级", max_length=2, choices=Rank.choices, blank=True, editable=False)
    current_rank_start = models.DateField("任现职级时间", null=True, blank=True, editable=False)
    current_rank_start_precision = precision_field()

    # Search keys derived from the name (cadres.pinyin), kept in step by ``save`` and ``clean``.
    name_pinyin = models.CharField("姓名拼音", max_length=200, blank=True, editable=False)
    name_initials = models.CharField("姓名首字母", max_length=60, blank=True, editable=False)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at", "created_at", "name_pinyin",
                                                 "name_initials"])
    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["department__path", "current_level", "current_rank", "birth_date", "id"]
        permissions = [
            ("view_full_id_number", "查看完整身份证号"),
            ("import_roster", "导入花名册"),
            ("export_roster", "导出花名册"),
            ("view_all_cadres", "查看全局干部（不受单位范围限制）"),
        ]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["status", "current_level"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_in_service(self) -> bool:
        return self.status == PersonnelStatus.ACTIVE

    def refresh_name_keys(self) -> None:
        """Derive the pinyin search keys from the name."""
        self.name_pinyin, self.name_initials = name_search_keys(self.name)

    def clean(self):
        errors = {}
        if self.id_number:
            try:
                parsed = parse_id_number(self.id_number)
            except IdNumberError as exc:
                errors["id_number"] = str(exc)
            else:
                self.id_number = parsed.value
                if self.birth_date and self.birth_date != parsed.birth_date:
                    errors["birth_date"] = messages.BIRTH_DATE_DISAGREES
                if self.gender and self.gender != parsed.gender:
                    errors["gender"] = messages.GENDER_DISAGREES
        if self.name:
            self.name = "".join(self.name.split())
            self.refresh_name_keys()  # bulk inserts (the roster import) clean but do not call save
        if self.status == PersonnelStatus.ACTIVE and self.status_date:
            self.status_date = None
        if self.status_date and self.birth_date and self.status_date < self.birth_date:
            errors["status_date"] = messages.DATE_BEFORE_BIRTH
        if self.party_join_date and self.birth_date and self.party_join_date < self.birth_date:
            errors["party_join_date"] = messages.DATE_BEFORE_BIRTH
        if self.work_start_date and self.birth_date and self.work_start_date < self.birth_date:
            errors["work_start_date"] = messages.DATE_BEFORE_BIRTH
        if self.professional_title_date:
            if not self.professional_title:
                errors["professional_title"] = messages.TITLE_DATE_WITHOUT_TITLE
            elif self.birth_date and self.professional_title_date < self.birth_date:
                errors["professional_title_date"] = messages.DATE_BEFORE_BIRTH
        if errors:
            raise ValidationError(errors)


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
