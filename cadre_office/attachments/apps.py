from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "cadre_office.attachments"
    label = "attachments"
    verbose_name = "附件"
    default_auto_field = "django.db.models.BigAutoField"
