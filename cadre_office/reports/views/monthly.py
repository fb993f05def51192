"""The monthly report's archive: list, run, progress, download, mark 已报送 (issue 15)."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.views.generic import TemplateView


class MonthlyReportListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """报表: the archive of monthly reports (placeholder until the archive is built)."""

    permission_required = "reports.view_monthlyreport"
    template_name = "reports/index.html"
