from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "日常监督"

    def ready(self):
        # The 考核与奖惩 tab of the cadre's record page: its kinds of record, registered with the roster.
        from oversight import records  # noqa: F401

        # 备案 and 全程记实: the timeline sources, the desk's lines, who sees a filing's attachments.
        from oversight.filing_registry import register_filings

        register_filings()
