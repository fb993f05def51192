from django.apps import AppConfig


class CadreOfficeConfig(AppConfig):
    name = "cadre_office"
    verbose_name = "系统"

    def ready(self):
        from cadre_office.celery import configure_broker_fallback

        configure_broker_fallback()
