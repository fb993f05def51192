"""干部任免审批表's URLs (the ``reports`` namespace)."""

from django.urls import path

from cadre_office.reports.views import appointment

urlpatterns = [
    path("appointment-forms/cadres/<int:cadre_pk>/pdf/", appointment.AppointmentPdfView.as_view(),
         name="appointment_pdf"),
    path("appointment-forms/cadres/<int:cadre_pk>/docx/", appointment.AppointmentDocxView.as_view(),
         name="appointment_docx"),
    path("appointment-forms/cadres/<int:cadre_pk>/lrmx/", appointment.AppointmentLrmxView.as_view(),
         name="appointment_lrmx"),
    path("appointment-forms/candidates/<int:candidate_pk>/pdf/", appointment.AppointmentPdfView.as_view(),
         name="candidate_pdf"),
    path("appointment-forms/candidates/<int:candidate_pk>/docx/", appointment.AppointmentDocxView.as_view(),
         name="candidate_docx"),
    path("appointment-forms/candidates/<int:candidate_pk>/lrmx/", appointment.AppointmentLrmxView.as_view(),
         name="candidate_lrmx"),
    path("appointment-forms/candidates/<int:candidate_pk>/reason/", appointment.CandidateReasonView.as_view(),
         name="candidate_reason"),
    path("appointment-forms/cases/<int:case_pk>/zip/", appointment.CaseFormsZipView.as_view(),
         name="case_forms_zip"),
    path("appointment-forms/import/", appointment.LrmxUploadView.as_view(), name="lrmx_upload"),
    path("appointment-forms/import/<int:pk>/", appointment.LrmxPreviewView.as_view(), name="lrmx_preview"),
]
