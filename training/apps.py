from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "教育培养"

    def ready(self):
        # Registered with the roster and the base, one module per part: the 全程记实 sources, the 工作台
        # lines, the record page's 培养 tab and the hooks each part answers.
        from training import (  # noqa: F401
            registry_plans,
            registry_practice,
            registry_programmes,
            registry_young,
        )
