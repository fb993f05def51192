"""Demo report archive for seed_demo: last month's bureau report, built and marked 已报送 by renshi.

Through the services, as the demo personnel account, so the history and audit rows are real and the
archive page is not empty. Built synchronously here (no worker needed). Created once: when the
archive holds a bureau report already, a second seed writes nothing.
"""

from django.contrib.auth import get_user_model

from cadre_office.reports import services
from cadre_office.reports.models import MonthlyReport

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
