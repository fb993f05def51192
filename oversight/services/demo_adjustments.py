"""The 动态管理 demo data (``seed_demo``): 民主测评 results, a few older grades, the flags they raise, one decision.

Written through the services (``recognition_save``, ``flags_raise``, ``decision_make``), so the
history and audit rows are those of a user's entry. A second run writes nothing (the demo
evaluations exist).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cadres.codes import SECTION_LEVELS
from cadres.models import Cadre
from oversight.models import AdjustmentFlag, AnnualAppraisal, RecognitionEvaluation
from oversight.services.adjustments import decision_make, flags_raise, recognition_save
from oversight.services.records import appraisal_save

OCCASION = "{year}年度民主测评"


def ensure_demo_adjustments() -> int:
    """Seed the demo's evaluations and flags unless they exist; return the flags raised (0 on a second run)."""
    staff = get_user_model().objects.filter(username="renshi").first()
    if staff is None or RecognitionEvaluation.objects.exists():
        return 0
    today = timezone.localdate()
    year = today.year - 1
    leaders = list(Cadre.objects.active().filter(current_level__in=SECTION_LEVELS).order_by("id")[:24])
    if len(leaders) < 6:
        return 0
    for index, cadre in enumerate(leaders):
        participants = 30 + index % 7
        # Two cadres the masses do not recognise (under 60%), the others between 80% and 100%.
        approving = participants * (52 if index in (3, 11) else 80 + (index * 7) % 21) // 100
        recognition_save(actor=staff, reason="演示数据", evaluation=RecognitionEvaluation(
            cadre=cadre, evaluated_on=dt.date(year, 12, 18), participants=participants, approving=approving,
            occasion=OCCASION.format(year=year)))
    # One cadre graded 基本称职 in two of the last three years (the two before last year's grid).
    repeated = leaders[5]
    for grade_year in (year - 2, year - 1):
        if not AnnualAppraisal.objects.filter(cadre=repeated, year=grade_year).exists():
            appraisal_save(actor=staff, reason="演示数据", appraisal=AnnualAppraisal(
                cadre=repeated, year=grade_year, grade=AnnualAppraisal.Grade.BASICALLY_COMPETENT))
    raised = flags_raise(actor=staff, day=today)
    # The first low evaluation was looked at already: kept, with the reason.
    kept = AdjustmentFlag.objects.filter(cadre=leaders[3], state=AdjustmentFlag.State.OPEN).first()
    if kept is not None:
        decision_make(actor=staff, cadre=kept.cadre, outcome="keep", decided_on=today, effective_date=today,
                      reason="经谈心谈话了解，测评偏低系推进拆违等急难任务所致，予以保留，加强教育提醒")
    return len(raised)
