from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "日常监督"

    def ready(self):
        # The 考核与奖惩 tab of the cadre's record page: its kinds of record, registered with the roster.
        # 积分管理 and 谈心谈话: the due talks events raise, their 全程记实 sources and 工作台 lines.
        from oversight import (  # noqa: F401
            events,
            points_talks_registry,
            records,
        )
        from oversight.services.talks import on_talk_required

        events.talk_required.register(on_talk_required)
