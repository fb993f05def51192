"""定期考察 URLs (included by ``oversight.urls``)."""

from django.urls import path

from oversight.views import inspection as views

_QUARTER = "quarterly/<int:unit_pk>/<int:year>/<int:quarter>/"

urlpatterns = [
    path("quarterly/", views.QuarterlyOverviewView.as_view(), name="quarterly_overview"),
    path(_QUARTER, views.QuarterlyGridView.as_view(), name="quarterly_grid"),
    path(f"{_QUARTER}confirm/", views.QuarterlyActionView.as_view(action="confirm"), name="quarterly_confirm"),
    path(f"{_QUARTER}reopen/", views.QuarterlyActionView.as_view(action="reopen"), name="quarterly_reopen"),
    path(f"{_QUARTER}template/", views.QuarterlyTemplateView.as_view(), name="quarterly_template"),
    path(f"{_QUARTER}import/", views.QuarterlyImportView.as_view(), name="quarterly_import"),
    path("annual/", views.AnnualOverviewView.as_view(), name="annual_overview"),
    path("annual/<int:unit_pk>/<int:year>/", views.AnnualGridView.as_view(), name="annual_grid"),
    path("settings/", views.OversightSettingsView.as_view(), name="settings"),
    path("settings/rules/new/", views.ConflictRuleCreateView.as_view(), name="conflict_rule_create"),
    path("settings/rules/<int:pk>/edit/", views.ConflictRuleUpdateView.as_view(), name="conflict_rule_update"),
]
