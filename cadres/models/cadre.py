"""The cadre (干部): the roster's row, with its cached current post and rank."""


from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres import messages
from cadres.codes import (
    Ethnicity,
    Gender,
    LeadershipLevel,
    PersonnelStatus,
    PoliticalStatus,
    Rank,
)
from cadres.dates import precision_field
from cadres.idnumbers import IdNumberError, mask_id_number, parse_id_number
from cadres.models.departments import Department
from cadres.pinyin import name_search_keys
from cadres.retirement import statutory_retirement_month


def in_service_on(day) -> Q:
    """In service (在职) on ``day``: active now, or left service only after ``day`` (status_date: the first day out)."""
    return Q(status=PersonnelStatus.ACTIVE) | Q(status_date__gt=day)


class CadreQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PersonnelStatus.ACTIVE)

    def in_service_on(self, day):
        return self.filter(in_service_on(day))


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

    # The statutory retirement month (cadres.retirement, the 2025 rule), kept in step with the birth date
    # and gender by ``save`` and ``clean``: the 到龄退休 list filters and sorts on it through an index.
    retirement_month = models.DateField("法定退休时间", null=True, blank=True, editable=False)

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at", "created_at", "name_pinyin",
                                                 "name_initials", "retirement_month"])
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
            models.Index(fields=["retirement_month", "name_pinyin", "id"], name="cadre_retirement_order"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        self.refresh_retirement_month()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "name_pinyin", "name_initials"}
        if update_fields is not None and {"birth_date", "gender"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "retirement_month"}
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

    def refresh_retirement_month(self) -> None:
        """Derive the statutory retirement month from the birth date and gender (None without either)."""
        known = self.birth_date and self.gender in Gender.values
        self.retirement_month = statutory_retirement_month(self.birth_date, self.gender) if known else None

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
        self.refresh_retirement_month()
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
