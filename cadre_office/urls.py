from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cadres:cadre_list", permanent=False), name="home"),
    path("accounts/", include("cadre_office.accounts.auth_urls")),
    path("system/users/", include("cadre_office.accounts.urls")),
    path("audit/", include("cadre_office.audit.urls")),
    path("cadres/", include("cadres.urls")),
    path("admin/", admin.site.urls),
]
