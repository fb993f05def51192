from django.urls import path

from cadre_office.dashboard import views, views_briefing

app_name = "dashboard"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("trend/<str:code>/", views.TrendView.as_view(), name="trend"),
    path("drilldown/<str:code>/<str:part>/", views.DrilldownView.as_view(), name="drilldown"),
    path("drilldown/<str:code>/<str:part>/export/", views.DrilldownExportView.as_view(), name="drilldown_export"),
    path("print/", views_briefing.BriefingPrintView.as_view(), name="print"),
    path("export/", views_briefing.BriefingExcelView.as_view(), name="export"),
    path("briefing.pdf", views_briefing.BriefingPdfView.as_view(), name="export_pdf"),
    path("recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("jobs/<int:pk>/", views.JobStatusView.as_view(), name="job_status"),
    path("targets/", views.TargetListView.as_view(), name="targets"),
    path("age-ladder/", views.AgeLadderView.as_view(), name="age_ladder"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan_update"),
]
