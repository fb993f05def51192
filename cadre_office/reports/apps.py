from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cadre_office.reports"
    label = "reports"
    verbose_name = "报表"
