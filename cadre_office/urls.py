from django.contrib import admin
from django.urls import include, path

from cadre_office.health import health
from cadre_office.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("cadre_office.accounts.auth_urls")),
    path("system/users/", include("cadre_office.accounts.urls")),
    path("audit/", include("cadre_office.audit.urls")),
    path("attachments/", include("cadre_office.attachments.urls")),
    path("cadres/", include("cadres.urls")),
    path("oversight/", include("oversight.urls")),
    path("dashboard/", include("cadre_office.dashboard.urls")),
    path("selection/", include("selection.urls")),
    path("training/", include("training.urls")),
    path("reports/", include("cadre_office.reports.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
]

handler403 = "cadre_office.views.permission_denied"
handler500 = "cadre_office.views.server_error"
