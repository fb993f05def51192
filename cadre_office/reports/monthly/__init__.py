"""The monthly report's files: its content over all parts, the workbook and the PDF (issue 15).

``build_files`` is what the archive's job calls: the structure figures from
``structure.monthly_report_figures`` (exactly the object ``--json`` prints), the content of every part
built once from them and the database (``content.report_content``, a tree of ``tree`` dataclasses),
then the Excel workbook (``workbook``) and the PDF (``templates/reports/monthly_pdf.html``) written
from that one content, so the two files and the JSON cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cadre_office.pdf import render_pdf
from cadre_office.reports.monthly.content import report_content
from cadre_office.reports.monthly.tree import ReportContent
from cadre_office.reports.monthly.workbook import write_workbook
from cadre_office.reports.structure import monthly_report_figures

__all__ = ["BuiltReport", "build_files", "render_document"]

PDF_TEMPLATE = "reports/monthly_pdf.html"


@dataclass
class BuiltReport:
    """What one build produced: the JSON figures and the two files' bytes."""

    figures: dict
    xlsx: bytes
    pdf: bytes


def render_document(content: ReportContent) -> bytes:
    """Return the report's PDF (WeasyPrint through ``cadre_office.pdf``: static files only)."""
    return render_pdf(PDF_TEMPLATE, {"report": content})


def build_files(month: dt.date, *, departments=None, scope_label: str = "全局",
                progress: Callable[[str, int, int], None] | None = None) -> BuiltReport:
    """Return the month's figures, workbook and PDF over ``departments``' subtrees (None: the bureau).

    ``progress(step, done, total)`` is told of each step (the seven parts, then the two files), for the
    archive page's progress bar.
    """
    figures = monthly_report_figures(month, departments=departments)
    total = 9

    def part_done(name: str, done: int, _parts: int) -> None:
        if progress:
            progress(name, done, total)

    content = report_content(month, figures=figures, departments=departments, scope_label=scope_label,
                             progress=part_done)
    xlsx = write_workbook(content)
    if progress:
        progress("Excel", 8, total)
    pdf = render_document(content)
    if progress:
        progress("PDF", 9, total)
    return BuiltReport(figures=figures, xlsx=xlsx, pdf=pdf)
