"""理论培训: training programmes and each cadre's enrolment, attendance and credited hours.

Hours count in the year a cadre completes a programme (``Enrolment.credited_on``, the completion
date, normally the programme's last day): a programme from 2025-12-20 to 2026-01-10 credits its
学时 to 2026, once. Hours per year are a SQL sum over ``(cadre, credited_on)``, never a Python loop.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class TrainingProgramme(models.Model):
    """A training programme (培训班/培训项目): what, by whom, when, how many 学时, in which mode."""

    class Category(models.TextChoices):
        POLICY = "policy", "党的理论和方针政策"
        BUSINESS = "business", "业务知识"
        ECONOMY = "economy", "经济管理"
        LAW = "law", "法律法规"
        OTHER = "other", "其他"

    class Mode(models.TextChoices):
        FULL_TIME = "full_time", "脱产培训"
        ONLINE = "online", "网络培训"
        ON_THE_JOB = "on_the_job", "在岗培训"

    class Kind(models.TextChoices):
        GENERAL = "general", "一般培训"
        APPOINTMENT = "appointment", "任职培训"
        YOUNG = "young", "年轻干部专题培训"

    name = models.CharField("培训名称", max_length=120)
    category = models.CharField("培训类别", max_length=12, choices=Category.choices)
    kind = models.CharField("培训性质", max_length=12, choices=Kind.choices, default=Kind.GENERAL,
                            help_text="任职培训计入新提任干部的任职培训要求。")
    mode = models.CharField("培训方式", max_length=12, choices=Mode.choices)
    organiser = models.CharField("主办单位", max_length=100)
    location = models.CharField("培训地点", max_length=100, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5)])
    certificate = models.BooleanField("颁发结业证书", default=False)
    description = models.TextField("培训内容", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "培训项目"
        ordering = ["-start_date", "-id"]
        permissions = [("import_attendance", "导入培训考勤"), ("export_training", "导出教育培养数据")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="programme_ends_after_start",
                                   violation_error_message="结束日期不能早于开始日期。"),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A cadre enrolled in a programme: attendance, completion and the 学时 credited for it."""

    class State(models.TextChoices):
        ENROLLED = "enrolled", "已报名"
        COMPLETED = "completed", "已结业"
        INCOMPLETE = "incomplete", "未结业"
        WITHDRAWN = "withdrawn", "已退训"

    programme = models.ForeignKey(TrainingProgramme, verbose_name="培训项目", on_delete=models.CASCADE,
                                  related_name="enrolments")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="enrolments")
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.ENROLLED)
    attended_hours = models.DecimalField("出勤学时", max_digits=5, decimal_places=1, null=True, blank=True,
                                         validators=[MinValueValidator(0)])
    absences = models.PositiveSmallIntegerField("缺勤次数", default=0)
    hours = models.DecimalField("认定学时", max_digits=5, decimal_places=1, null=True, blank=True,
                                help_text="结业时认定，计入结业当年的学时。")
    credited_on = models.DateField("结业日期", null=True, blank=True)
    certificate_no = models.CharField("结业证书编号", max_length=40, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "参训记录"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "cadre"], name="enrolment_once_per_programme"),
            models.CheckConstraint(
                condition=Q(state="completed", hours__isnull=False, credited_on__isnull=False)
                | (~Q(state="completed") & Q(hours__isnull=True, credited_on__isnull=True)),
                name="enrolment_credited_when_completed",
                violation_error_message="只有已结业的参训记录才有认定学时和结业日期。"),
        ]
        # The hours table sums credited hours per cadre and year: one index serves it.
        indexes = [models.Index(fields=["cadre", "credited_on"], name="enrolment_cadre_credited")]

    def __str__(self):
        return f"{self.cadre} · {self.programme}"


class CadreYearHours(models.Model):
    """The 学时 credited to a cadre in a year: derived, kept by the enrolment services.

    Rewritten from the SQL sum of the cadre's completed enrolments of that year in the transaction
    that changes one of them (``training.services``), so the hours table by unit reads one row per
    cadre instead of summing every enrolment. Not a record of its own: no history.
    """

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="training_years")
    year = models.PositiveSmallIntegerField("年度")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, default=0)
    programmes = models.PositiveSmallIntegerField("结业项目数", default=0)
    appointment_hours = models.DecimalField("任职培训学时", max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "年度培训学时"
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="cadre_year_hours_once")]
        indexes = [models.Index(fields=["year", "cadre"], name="cadre_year_hours_year")]

    def __str__(self):
        return f"{self.cadre} {self.year}年 {self.hours}学时"
