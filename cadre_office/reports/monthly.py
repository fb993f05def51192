"""The monthly report's files: its content over all parts, the workbook and the PDF (issue 15).

``build_files`` is what the archive's job calls: one pass over the data (``report_content``),
the structure tables taken from ``structure.monthly_report_figures`` (the figures ``--json`` prints),
then the Excel workbook and the PDF written from that one content.

SKELETON: the content, the workbook and the PDF are placeholders until built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cadre_office.reports.structure import monthly_report_figures


@dataclass
class BuiltReport:
    """What one build produced: the JSON figures and the two files' bytes."""

    figures: dict
    xlsx: bytes
    pdf: bytes


def build_files(month: dt.date, *, departments=None, scope_label: str = "全局",
                progress: Callable[[str, int, int], None] | None = None) -> BuiltReport:
    """Return the month's figures, workbook and PDF over ``departments``' subtrees (None: the bureau).

    ``progress(step, done, total)`` is told of each step, for the archive page's progress bar.
    """
    from cadre_office.pdf import render_pdf
    from cadre_office.xlsx import Column, write_xlsx

    figures = monthly_report_figures(month, departments=departments)
    if progress:
        progress("统计", 1, 3)
    xlsx = write_xlsx(title="结构统计", columns=[Column("层次", lambda row: row[0]), Column("人数", lambda row: row[1])],
                      rows=[(level, table["total"]) for level, table in figures["structure"].items()])
    if progress:
        progress("Excel", 2, 3)
    pdf = render_pdf("reports/monthly_pdf.html", {"figures": figures, "scope_label": scope_label})
    if progress:
        progress("PDF", 3, 3)
    return BuiltReport(figures=figures, xlsx=xlsx, pdf=pdf)
