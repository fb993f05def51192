"""/reports/: 报表. Each part keeps its own URL module; the names share the ``reports`` namespace."""

from cadre_office.reports import urls_appointment, urls_monthly

app_name = "reports"

urlpatterns = [
    *urls_monthly.urlpatterns,
    *urls_appointment.urlpatterns,
]
