from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "日常监督"

    def ready(self):
        # The 考核与奖惩 tab of the cadre's record page: its kinds of record, registered with the roster.
        from oversight import desk, events, records, timeline  # noqa: F401
        from oversight.services.adjustments import flags_raise_for

        # 动态管理: a changed grade, points or evaluation re-runs the flag rules for that cadre.
        events.record_changed.register(flags_raise_for)
