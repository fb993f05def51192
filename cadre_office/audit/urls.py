"""The audit administrator's pages: browse and export the audit log."""

from django.urls import path

from cadre_office.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="event_list"),
    path("export/", views.AuditEventExportView.as_view(), name="event_export"),
]
