"""Demo 备案 for seed_demo: one of each kind in various states, one overdue, one 信访 with its outcome.

Written through the services as the demo accounts (renshi reports and handles, jijian records
the outcome), so history and audit rows are real. Idempotent: a filing already there (same cadre,
kind and event date, marked by its note) is not written again.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cadres.models import Cadre
from oversight import services
from oversight.models import Filing

DEMO_NOTE = "演示数据"


def _filing(staff, cadre, kind, event_date, **fields):
    existing = Filing.objects.filter(cadre=cadre, kind=kind, event_date=event_date, note=DEMO_NOTE).first()
    if existing is not None:
        return existing, False
    filing = services.filing_submit(actor=staff, filing=Filing(cadre=cadre, kind=kind, event_date=event_date,
                                                               note=DEMO_NOTE, **fields))
    return filing, True


def ensure_demo_filings() -> int:
    """Write the demo filings that are missing; return how many were written (0 without the demo data)."""
    User = get_user_model()
    staff = User.objects.filter(username="renshi").first()
    discipline = User.objects.filter(username="jijian").first()
    cadres = list(Cadre.objects.active().filter(department__name="办公室").order_by("birth_date", "pk")[:4])
    if staff is None or discipline is None or len(cadres) < 4:
        return 0
    today = timezone.localdate()
    written = 0

    # An education completion, filed: the 在职 record reaches the cadre.
    filing, new = _filing(staff, cadres[0], Filing.Kind.EDUCATION, today - dt.timedelta(days=20),
                          education_stage=Filing.EducationStage.COMPLETION, school="中共某某省委党校",
                          major="经济管理", education_level="31", study_mode=Filing.StudyMode.PARTY_SCHOOL)
    if new:
        for step in ("receive", "review", "file"):
            filing = getattr(services, f"filing_{step}")(actor=staff, filing=filing)
        written += 1
    # An enrolment, received and waiting for review.
    filing, new = _filing(staff, cadres[1], Filing.Kind.EDUCATION, today - dt.timedelta(days=10),
                          education_stage=Filing.EducationStage.ENROLMENT, school="某某大学",
                          major="公共管理", education_level="21", degree="公共管理硕士",
                          study_mode=Filing.StudyMode.IN_SERVICE_POSTGRAD)
    if new:
        services.filing_receive(actor=staff, filing=filing)
        written += 1
    # An honour reported 40 days ago and never received: overdue.
    filing, new = _filing(staff, cadres[2], Filing.Kind.HONOUR, today - dt.timedelta(days=40),
                          honour_title="全区优秀共产党员", awarding_body="中共某某区委",
                          honour_level=Filing.HonourLevel.COUNTY)
    written += new
    # An honour just reported (due within the month).
    filing, new = _filing(staff, cadres[3], Filing.Kind.HONOUR, today - dt.timedelta(days=25),
                          honour_title="全市人事工作先进个人", awarding_body="某某市人力资源和社会保障局",
                          honour_level=Filing.HonourLevel.MUNICIPAL)
    written += new
    # A 信访 report whose outcome discipline inspection has recorded, reviewed by personnel staff.
    filing, new = _filing(staff, cadres[1], Filing.Kind.PETITION, today - dt.timedelta(days=15),
                          petition_source=Filing.PetitionSource.LETTER,
                          petition_summary="来信反映其在窗口服务中态度生硬、推诿群众诉求")
    if new:
        filing = services.filing_receive(actor=staff, filing=filing)
        filing = services.petition_outcome_record(actor=discipline, filing=filing, outcome=Filing.Outcome.PARTLY_TRUE,
                                                  handling="经核查部分属实，已对其进行提醒谈话，责令整改")
        services.filing_review(actor=staff, filing=filing, opinion="核查结论已录入，同意归档")
        written += 1
    return written
