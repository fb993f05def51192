"""URLs of 理论培训 (programmes, enrolments, hours) (included by ``training.urls``)."""

from django.urls import path

from training.views import programmes as views

urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/export/", views.ProgrammeExportView.as_view(), name="programme_export"),
    path("programmes/calendar/", views.ProgrammeCalendarView.as_view(), name="programme_calendar"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.ProgrammeUpdateView.as_view(), name="programme_update"),
    path("programmes/<int:pk>/enrol/", views.EnrolmentCreateView.as_view(), name="enrolment_create"),
    path("programmes/<int:pk>/attendance/template/", views.AttendanceTemplateView.as_view(),
         name="attendance_template"),
    path("programmes/<int:pk>/attendance/import/", views.AttendanceImportView.as_view(), name="attendance_import"),
    path("programmes/<int:pk>/attendance/confirm/", views.AttendanceConfirmView.as_view(), name="attendance_confirm"),
    path("enrolments/<int:pk>/attendance/", views.EnrolmentAttendanceView.as_view(), name="enrolment_attendance"),
    path("enrolments/<int:pk>/complete/", views.EnrolmentCompleteView.as_view(), name="enrolment_complete"),
    path("enrolments/<int:pk>/incomplete/", views.EnrolmentIncompleteView.as_view(), name="enrolment_incomplete"),
    path("enrolments/<int:pk>/withdraw/", views.EnrolmentWithdrawView.as_view(), name="enrolment_withdraw"),
    path("hours/", views.HoursTableView.as_view(), name="hours_table"),
    path("hours/export/", views.HoursTableExportView.as_view(), name="hours_table_export"),
    path("hours/units/<int:pk>/", views.HoursUnitView.as_view(), name="hours_unit"),
    path("hours/units/<int:pk>/export/", views.HoursUnitExportView.as_view(), name="hours_unit_export"),
    path("hours/shortfall/", views.ShortfallListView.as_view(), name="hours_shortfall"),
    path("hours/shortfall/export/", views.ShortfallExportView.as_view(), name="hours_shortfall_export"),
    path("appointment-training/", views.AppointmentDueView.as_view(), name="appointment_due"),
    path("appointment-training/export/", views.AppointmentDueExportView.as_view(), name="appointment_due_export"),
    path("settings/", views.TrainingSettingsView.as_view(), name="settings"),
]
