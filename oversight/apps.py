from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "日常监督"

    def ready(self):
        # Registered with the roster and the base: the kinds of record on the cadre's record page, the
        # 全程记实 sources and the 工作台 lines, of each part (动态管理; 定期考察's *_inspection modules).
        from oversight import (  # noqa: F401
            desk,
            desk_inspection,
            events,
            points_talks_registry,
            records,
            records_inspection,
            timeline_adjustments,
            timeline_inspection,
        )

        # 积分管理 and 谈心谈话: the due talks events raise, their 全程记实 sources and 工作台 lines.
        # 备案 and 全程记实 (oversight.timeline): the timeline sources, the desk's lines, who sees a filing's files.
        from oversight.filing_registry import register_filings
        from oversight.services.adjustments import flags_raise_for
        from oversight.services.talks import on_talk_required

        # 动态管理: a changed grade, points or evaluation re-runs the flag rules for that cadre.
        events.record_changed.register(flags_raise_for)
        register_filings()
        events.talk_required.register(on_talk_required)
