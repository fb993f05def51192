from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "日常监督"

    def ready(self):
        # The 考核与奖惩 tab of the cadre's record page: its kinds of record, registered with the roster.
        # 定期考察: 考察 visits and shortcomings on the record page, 全程记实 sources, 工作台 lines.
        from oversight import (  # noqa: F401
            desk_inspection,
            records,
            records_inspection,
            timeline_inspection,
        )
