from django.urls import path

from cadres import views

app_name = "cadres"
urlpatterns = [
    path("", views.CadreListView.as_view(), name="cadre_list"),
    path("export/", views.CadreExportView.as_view(), name="cadre_export"),
    path("new/", views.CadreCreateView.as_view(), name="cadre_create"),
    path("batch/", views.CadreBatchChangeView.as_view(), name="batch_change"),
    path("batch/apply/", views.CadreBatchApplyView.as_view(), name="batch_apply"),
    path("retirement/", views.RetirementDueListView.as_view(), name="retirement_due"),
    path("retirement/export/", views.RetirementDueExportView.as_view(), name="retirement_export"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("<int:pk>/photo/", views.CadrePhotoView.as_view(), name="cadre_photo"),
    path("<int:pk>/reveal-id/", views.CadreRevealIdView.as_view(), name="cadre_reveal_id"),
    path("<int:cadre_pk>/edit/", views.CadreUpdateView.as_view(), name="cadre_update"),
    path("<int:cadre_pk>/id-number/", views.CadreIdNumberChangeView.as_view(), name="cadre_id_number"),
    path("<int:cadre_pk>/status/", views.CadreStatusView.as_view(), name="cadre_status"),
    path("<int:cadre_pk>/retire/", views.CadreRetireView.as_view(), name="cadre_retire"),
    # 学历学位, 职务任职, 职级: <cadre_pk>/educations/new/, …/<pk>/edit/, …/<pk>/delete/ (cadres.records)
    *views.record_urlpatterns("cadres"),
    path("import/", views.RosterImportUploadView.as_view(), name="import_upload"),
    path("import/<int:pk>/", views.RosterImportPreviewView.as_view(), name="import_preview"),
    path("import/<int:pk>/confirm/", views.RosterImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/status/", views.RosterImportStatusView.as_view(), name="import_status"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/<int:pk>/edit/", views.DepartmentUpdateView.as_view(), name="department_update"),
    path("quotas/", views.QuotaOverviewView.as_view(), name="quota_overview"),
    path("quotas/export/", views.QuotaExportView.as_view(), name="quota_export"),
    path("quotas/occupants/<int:unit_pk>/<str:kind_code>/", views.QuotaOccupantsView.as_view(), name="quota_occupants"),
    path("quotas/new/", views.QuotaCreateView.as_view(), name="quota_create"),
    path("quotas/<int:pk>/edit/", views.QuotaUpdateView.as_view(), name="quota_update"),
]
