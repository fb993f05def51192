"""What 备案 and 全程记实 register with the shared registries (called from ``OversightConfig.ready``)."""


def register_filings() -> None:
    """The timeline sources and the desk's lines (imported for their decorators), and who sees a filing's files."""
    from cadre_office.attachments.registry import register_scope
    from oversight import desk_filings, timeline  # noqa: F401
    from oversight.filing_selectors import filings_visible_to
    from oversight.models import Filing

    register_scope(Filing, filings_visible_to)
