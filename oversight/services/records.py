"""Writes to the oversight records entered on a cadre: 年度考核 grades and 处分/诫勉.

They go through the roster's one child-record core (``cadres.services.records``): atomic,
validated, a history row naming ``actor`` and one audit row on the cadre naming the record. The
rules of each kind (one grade a year; an effect that cannot end before its decision) are the
checks below, which the kinds' ``before_save`` hooks run (``oversight.records``).
"""

from django.core.exceptions import ValidationError

from cadres.services.records import child_record_delete, child_record_save
from oversight.models import AnnualAppraisal, DisciplineAction
from oversight.services.inspection import appraisal_rules_check

DUPLICATE_YEAR = "{year}年度的考核等次已录入，请修改原记录。"
EFFECT_BEFORE_DECISION = "影响期至不能早于决定日期。"


def appraisal_check(appraisal: AnnualAppraisal) -> None:
    """Refuse a second grade for the same cadre and year, and a grade the 年度考核 rules forbid."""
    if appraisal.year is not None and AnnualAppraisal.objects.filter(
        cadre_id=appraisal.cadre_id, year=appraisal.year,
    ).exclude(pk=appraisal.pk).exists():
        raise ValidationError({"year": DUPLICATE_YEAR.format(year=appraisal.year)})
    # The conflicts with 处分/诫勉 and the share of 优秀 (定期考察: oversight.services.inspection).
    appraisal_rules_check(appraisal)


def discipline_check(action: DisciplineAction) -> None:
    """Refuse an effect period that ends before the decision."""
    if action.decided_on and action.effect_until and action.effect_until < action.decided_on:
        raise ValidationError({"effect_until": EFFECT_BEFORE_DECISION})


def appraisal_save(*, actor, appraisal: AnnualAppraisal, reason: str = "") -> AnnualAppraisal:
    """Add or correct a cadre's appraisal grade for one year (one a year)."""
    return child_record_save(actor=actor, obj=appraisal, reason=reason)


def appraisal_delete(*, actor, appraisal: AnnualAppraisal) -> None:
    child_record_delete(actor=actor, obj=appraisal)


def discipline_save(*, actor, action: DisciplineAction, reason: str = "") -> DisciplineAction:
    """Add or correct a discipline or 诫勉; its effect cannot end before it was decided."""
    return child_record_save(actor=actor, obj=action, reason=reason)


def discipline_delete(*, actor, action: DisciplineAction) -> None:
    child_record_delete(actor=actor, obj=action)
