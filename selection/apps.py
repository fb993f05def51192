from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "选拔任用"

    def ready(self):
        from selection import desk, timeline  # noqa: F401  (its lines on the 工作台 and its 全程记实 source)
