"""Oversight records (五项制度). For now: the appraisal grades and discipline actions entered on a
cadre, which the selection workflow's negative list reads (docs/selection.md); the rest of
the five records (points ledger, talks, adjustments, filings, 全程记实) arrive with their issue.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class AnnualAppraisal(models.Model):
    """A cadre's 年度考核 grade for one year."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        COMPETENT = "competent", "称职"
        BASICALLY_COMPETENT = "basic", "基本称职"
        INCOMPETENT = "incompetent", "不称职"
        UNRATED = "unrated", "不定等次"
        NOT_APPRAISED = "none", "不进行考核"

    # Grades that keep a cadre off the list of inspection candidates for three years.
    NEGATIVE_GRADES = (Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT)

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("等次", max_length=12, choices=Grade.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "年度考核"
        ordering = ["cadre", "-year"]
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="appraisal_once_a_year")]

    def __str__(self):
        return f"{self.year} {self.get_grade_display()}"


class DisciplineAction(models.Model):
    """A discipline or 诫勉 on a cadre, with the date its effect ends (影响期)."""

    class Kind(models.TextChoices):
        ADMONITION = "admonition", "诫勉"
        WARNING = "warning", "警告"
        SERIOUS_WARNING = "serious_warning", "严重警告"
        DEMERIT = "demerit", "记过"
        MAJOR_DEMERIT = "major_demerit", "记大过"
        DEMOTION = "demotion", "降级"
        REMOVAL = "removal", "撤职"

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.CASCADE,
                              related_name="discipline_actions")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    decided_on = models.DateField("决定日期")
    effect_until = models.DateField("影响期至", help_text="影响期内不得列为考察对象")
    summary = models.CharField("事由", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "处分与诫勉"
        ordering = ["cadre", "-decided_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(effect_until__gte=models.F("decided_on")),
                                   name="discipline_effect_after_decision"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.decided_on:%Y-%m-%d}"
