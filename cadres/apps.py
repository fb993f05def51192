from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部名册"

    def ready(self):
        # The roster's own kinds of child record (学历学位, 职务任职, 职级); other apps register theirs.
        from cadres import desk, record_types  # noqa: F401  (the 工作台 line of retirements)
