"""Demo data of the reports for seed_demo, through the services as the demo personnel account (renshi).

- The report archive: last month's bureau report, built and marked 已报送, so the archive page is not
  empty. Built synchronously here (no worker needed). Created once: when the archive holds a bureau
  report already, a second seed writes nothing.
- The 任免理由 of the decided demo selection case's remaining candidates (``selection.demo``), as the
  form card of the case page records it, so their 干部任免审批表 are complete. A reason already
  recorded is left as it is.
"""

from django.contrib.auth import get_user_model

from cadre_office.reports import services
from cadre_office.reports.appointment.content import FORM_CANDIDATE_STATES, case_has_forms, proposed_post_text
from cadre_office.reports.appointment.services import candidate_reason_set
from cadre_office.reports.models import MonthlyReport
from selection.demo import DEMO_DECIDED_CASE_TITLE
from selection.models import SelectionCase

DEMO_STAFF = "renshi"


def ensure_demo_reports() -> MonthlyReport | None:
    """Build last month's bureau report and mark it 已报送; return it (None when the archive had one)."""
    if MonthlyReport.objects.filter(department__isnull=True).exists():
        return None
    staff = get_user_model().objects.get(username=DEMO_STAFF)
    report = services.monthly_report_request(month=services.last_month(), department=None, user=staff,
                                             enqueue=False)
    report = services.monthly_report_build(report_id=report.pk)
    if report.state != MonthlyReport.State.READY:
        raise RuntimeError(f"the demo monthly report did not build: {report.error}")
    return services.monthly_report_mark_reported(report=report, user=staff)


# The 任免理由 as a personnel office writes it: the cadre's record in a sentence, the decision, the post.
DEMO_REASON = ("该同志政治坚定，理想信念坚定，熟悉信息化建设和网络安全管理业务，工作认真负责、作风扎实，"
               "群众公认度较高，具备担任{post}的能力和素质。经局党组{decided}会议研究决定，"
               "拟任{post}，试用期一年。")


def ensure_demo_appointment_reasons() -> int:
    """Record the 任免理由 of the decided demo case's candidates who have a form and none yet; return how many."""
    case = SelectionCase.objects.select_related("department").filter(title=DEMO_DECIDED_CASE_TITLE).first()
    if case is None or case.decided_on is None or not case_has_forms(case):
        return 0
    staff = get_user_model().objects.get(username=DEMO_STAFF)
    day = case.decided_on
    reason = DEMO_REASON.format(post=proposed_post_text(case), decided=f"{day.year}年{day.month}月{day.day}日")
    candidates = case.candidates.filter(state__in=FORM_CANDIDATE_STATES, appointment_reason="").order_by("number")
    count = 0
    for candidate in candidates:
        candidate_reason_set(actor=staff, candidate=candidate, reason=reason)
        count += 1
    return count
