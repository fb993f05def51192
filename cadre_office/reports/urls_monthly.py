from django.urls import path

from cadre_office.reports.views import monthly

urlpatterns = [
    path("", monthly.MonthlyReportListView.as_view(), name="index"),
    path("monthly/run/", monthly.MonthlyReportRunView.as_view(), name="monthly_run"),
    path("monthly/<int:pk>/", monthly.MonthlyReportDetailView.as_view(), name="monthly_detail"),
    path("monthly/<int:pk>/status/", monthly.MonthlyReportStatusView.as_view(), name="monthly_status"),
    path("monthly/<int:pk>/submit/", monthly.MonthlyReportSubmitView.as_view(), name="monthly_submit"),
    path("monthly/<int:pk>/xlsx/", monthly.MonthlyReportDownloadView.as_view(), {"fmt": "xlsx"}, name="monthly_xlsx"),
    path("monthly/<int:pk>/pdf/", monthly.MonthlyReportDownloadView.as_view(), {"fmt": "pdf"}, name="monthly_pdf"),
]
