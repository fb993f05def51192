from django.urls import path

from selection import calendar_views, template_views, views

app_name = "selection"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("new/", views.CaseCreateView.as_view(), name="case_create"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("holidays/", calendar_views.HolidayCalendarView.as_view(), name="holidays"),
    path("template/", template_views.TemplateView.as_view(), name="template"),
    path("template/steps/<int:pk>/edit/", template_views.StepUpdateView.as_view(), name="template_step_update"),
    path("template/new-version/", template_views.NewVersionView.as_view(), name="template_new_version"),
    path("<int:pk>/record.pdf", views.CaseRecordPdfView.as_view(), name="case_record_pdf"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/steps/<int:number>/submit/", views.StepSubmitView.as_view(), name="step_submit"),
    path("<int:pk>/steps/<int:number>/decide/", views.StepDecideView.as_view(), name="step_decide"),
    path("<int:pk>/steps/<int:number>/veto/", views.CandidateVetoView.as_view(), name="candidate_veto"),
    path("<int:pk>/steps/<int:number>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.AttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("<int:pk>/state/", views.CaseStateView.as_view(), name="case_state"),
    path("<int:pk>/candidates/drop/", views.CandidateDropView.as_view(), name="candidate_drop"),
]
