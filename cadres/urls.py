from django.urls import path

from cadres import views

app_name = "cadres"
urlpatterns = [
    path("", views.CadreListView.as_view(), name="cadre_list"),
    path("export/", views.CadreExportView.as_view(), name="cadre_export"),
    path("new/", views.CadreCreateView.as_view(), name="cadre_create"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="cadre_detail"),
    path("<int:pk>/photo/", views.CadrePhotoView.as_view(), name="cadre_photo"),
    path("<int:pk>/reveal-id/", views.CadreRevealIdView.as_view(), name="cadre_reveal_id"),
    path("<int:cadre_pk>/edit/", views.CadreUpdateView.as_view(), name="cadre_update"),
    path("<int:cadre_pk>/id-number/", views.CadreIdNumberChangeView.as_view(), name="cadre_id_number"),
    path("<int:cadre_pk>/status/", views.CadreStatusView.as_view(), name="cadre_status"),
    path("<int:cadre_pk>/educations/new/", views.EducationCreateView.as_view(), name="education_create"),
    path("<int:cadre_pk>/educations/<int:pk>/edit/", views.EducationUpdateView.as_view(), name="education_update"),
    path("<int:cadre_pk>/educations/<int:pk>/delete/", views.EducationDeleteView.as_view(), name="education_delete"),
    path("<int:cadre_pk>/posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("<int:cadre_pk>/posts/<int:pk>/edit/", views.PostUpdateView.as_view(), name="post_update"),
    path("<int:cadre_pk>/posts/<int:pk>/delete/", views.PostDeleteView.as_view(), name="post_delete"),
    path("<int:cadre_pk>/ranks/new/", views.RankCreateView.as_view(), name="rank_create"),
    path("<int:cadre_pk>/ranks/<int:pk>/edit/", views.RankUpdateView.as_view(), name="rank_update"),
    path("<int:cadre_pk>/ranks/<int:pk>/delete/", views.RankDeleteView.as_view(), name="rank_delete"),
    path("import/", views.RosterImportUploadView.as_view(), name="import_upload"),
    path("import/<int:pk>/", views.RosterImportPreviewView.as_view(), name="import_preview"),
    path("import/<int:pk>/confirm/", views.RosterImportConfirmView.as_view(), name="import_confirm"),
    path("import/<int:pk>/status/", views.RosterImportStatusView.as_view(), name="import_status"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/<int:pk>/edit/", views.DepartmentUpdateView.as_view(), name="department_update"),
]
