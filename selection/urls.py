from django.urls import path

from selection.views import calendar, cases, inbox, new_case, workflow_templates

app_name = "selection"

urlpatterns = [
    path("", cases.CaseListView.as_view(), name="case_list"),
    path("new/", new_case.CaseCreateView.as_view(), name="case_create"),
    path("new/candidates/", new_case.CandidateSearchView.as_view(), name="candidate_search"),
    path("inbox/", inbox.InboxView.as_view(), name="inbox"),
    path("todos/", inbox.TodoListView.as_view(), name="todo_list"),
    path("holidays/", calendar.CalendarYearEditView.as_view(), name="calendar_year_edit"),
    path("template/", workflow_templates.WorkflowTemplateDetailView.as_view(), name="workflow_template_detail"),
    path("template/steps/<int:pk>/edit/", workflow_templates.StepDefinitionUpdateView.as_view(),
         name="step_definition_update"),
    path("template/new-version/", workflow_templates.WorkflowTemplateNewVersionView.as_view(),
         name="workflow_template_new_version"),
    path("<int:pk>/record.pdf", cases.CaseRecordPdfView.as_view(), name="case_record_pdf"),
    path("<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/steps/<int:number>/submit/", cases.StepSubmitView.as_view(), name="step_submit"),
    path("<int:pk>/steps/<int:number>/decide/", cases.StepDecideView.as_view(), name="step_decide"),
    path("<int:pk>/steps/<int:number>/veto/", cases.CandidateVetoView.as_view(), name="candidate_veto"),
    path("<int:pk>/steps/<int:number>/attachments/", cases.AttachmentUploadView.as_view(), name="attachment_add"),
    path("<int:pk>/attachments/<int:attachment_pk>/", cases.AttachmentDownloadView.as_view(),
         name="attachment_download"),
    path("<int:pk>/state/", cases.CaseStateView.as_view(), name="case_state"),
    path("<int:pk>/candidates/drop/", cases.CandidateDropView.as_view(), name="candidate_drop"),
]
