from django.urls import path

from cadre_office.reports.views import monthly

urlpatterns = [
    path("", monthly.MonthlyReportListView.as_view(), name="index"),
]
