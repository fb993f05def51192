from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "选拔任用"

    def ready(self):
        # 全程记实: the steps a cadre went through as a candidate (cadres.timeline).
        from selection import timeline  # noqa: F401
