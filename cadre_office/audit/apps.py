from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cadre_office.audit"
    label = "audit"
    verbose_name = "安全审计"
