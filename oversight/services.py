"""Writes to the oversight records entered on a cadre: 年度考核 grades and 处分/诫勉.

Every function is keyword-only and atomic, validates with ``full_clean``, leaves a history
row naming ``actor`` and one audit row on the cadre naming the record
(``{"record": ..., "record_id": ...}``), as the cadre's own record services do.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from cadre_office.audit.services import Event
from cadre_office.history import tracked_delete, tracked_save
from cadres.services.cadres import audit_cadre_change
from oversight.models import AnnualAppraisal, DisciplineAction

DUPLICATE_YEAR = "{year}年度的考核等次已录入，请修改原记录。"
EFFECT_BEFORE_DECISION = "影响期至不能早于决定日期。"


# --- 年度考核 ------------------------------------------------------------------------------------


@transaction.atomic
def appraisal_save(*, actor, appraisal: AnnualAppraisal, reason: str = "") -> AnnualAppraisal:
    """Add or correct a cadre's appraisal grade for one year (one a year)."""
    if appraisal.year is not None and AnnualAppraisal.objects.filter(
        cadre_id=appraisal.cadre_id, year=appraisal.year,
    ).exclude(pk=appraisal.pk).exists():
        raise ValidationError({"year": DUPLICATE_YEAR.format(year=appraisal.year)})
    event = Event.CREATE if appraisal._state.adding else Event.UPDATE
    reason = reason or "年度考核"
    tracked_save(appraisal, actor=actor, reason=reason)
    audit_cadre_change(event, actor=actor, cadre=appraisal.cadre, record=appraisal, reason=reason)
    return appraisal


@transaction.atomic
def appraisal_delete(*, actor, appraisal: AnnualAppraisal) -> None:
    record_id = appraisal.pk
    tracked_delete(appraisal, actor=actor, reason="删除年度考核")
    audit_cadre_change(Event.DELETE, actor=actor, cadre=appraisal.cadre, record=appraisal, record_id=record_id,
                       reason="删除年度考核")


# --- 处分与诫勉 ----------------------------------------------------------------------------------


@transaction.atomic
def discipline_save(*, actor, action: DisciplineAction, reason: str = "") -> DisciplineAction:
    """Add or correct a discipline or 诫勉; its effect cannot end before it was decided."""
    if action.decided_on and action.effect_until and action.effect_until < action.decided_on:
        raise ValidationError({"effect_until": EFFECT_BEFORE_DECISION})
    event = Event.CREATE if action._state.adding else Event.UPDATE
    reason = reason or "处分与诫勉"
    tracked_save(action, actor=actor, reason=reason)
    audit_cadre_change(event, actor=actor, cadre=action.cadre, record=action, reason=reason)
    return action


@transaction.atomic
def discipline_delete(*, actor, action: DisciplineAction) -> None:
    record_id = action.pk
    tracked_delete(action, actor=actor, reason="删除处分与诫勉")
    audit_cadre_change(Event.DELETE, actor=actor, cadre=action.cadre, record=action, record_id=record_id,
                       reason="删除处分与诫勉")
