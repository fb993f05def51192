"""The audit administrator's pages: browse and export the audit log."""

app_name = "audit"

urlpatterns = []
