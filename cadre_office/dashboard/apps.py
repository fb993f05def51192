from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "cadre_office.dashboard"
    label = "dashboard"
    verbose_name = "结构看板"
