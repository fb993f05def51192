"""The monthly report's content as one tree of dataclasses: parts, each a few tables, written to both files.

``content.report_content`` builds this once per build; ``workbook`` and ``document`` only lay it out,
so the Excel sheet and the PDF page of a part can never show different numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

TOTAL_LABEL = "合计"
# The PDF lists at most this many rows of a table; the workbook always holds every row. WeasyPrint sets a
# table row in about 10–20 ms, so a 12-month retirement list of a 100,000-cadre bureau (thousands of
# names) would take minutes; the first rows (the overdue come first) and the count go to the PDF.
PDF_ROW_LIMIT = 300


def text(value) -> str:
    """Show a value as both files do: dates as 2026-12-31, decimals with one decimal, None as blank."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value:.1f}"
    return str(value)


@dataclass(frozen=True)
class Cell:
    """A cell of the PDF: its text, and whether it is a number (right-aligned)."""

    text: str
    numeric: bool = False


@dataclass(frozen=True)
class Col:
    """A table column: its header, width in character widths (Excel), and whether it holds numbers."""

    header: str
    width: int = 12
    numeric: bool = False


@dataclass
class Table:
    """A titled table. ``total`` (when the table has one) is the 合计 row: the sums of the numeric columns."""

    title: str
    columns: list[Col]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    note: str = ""
    empty: str = "本月无。"
    listing: bool = False  # a list of names: the PDF shows its first ``PDF_ROW_LIMIT`` rows

    @property
    def cells(self) -> list[list[Cell]]:
        """The rows as text cells for the PDF, numbers marked to be right-aligned."""
        return [self._cells(row) for row in self.rows]

    @property
    def pdf_cells(self) -> list[list[Cell]]:
        """The rows the PDF shows: the first ``PDF_ROW_LIMIT``."""
        return [self._cells(row) for row in (self.rows[:PDF_ROW_LIMIT] if self.listing else self.rows)]

    @property
    def pdf_omitted(self) -> int:
        """How many rows the PDF leaves out (the workbook has them)."""
        return max(0, len(self.rows) - PDF_ROW_LIMIT) if self.listing else 0

    @property
    def total_cells(self) -> list[Cell] | None:
        return None if self.total is None else self._cells(self.total)

    def _cells(self, row: list) -> list[Cell]:
        return [Cell(text(value), column.numeric or isinstance(value, Decimal))
                for value, column in zip(row, self.columns, strict=True)]

    def with_total(self, label_columns: int = 1) -> Table:
        """Set ``total`` to 合计 and the sums of the numeric columns (blank under text columns)."""
        total = [TOTAL_LABEL] + [""] * (label_columns - 1)
        for index, column in enumerate(self.columns[label_columns:], start=label_columns):
            total.append(sum(row[index] or 0 for row in self.rows) if column.numeric else "")
        self.total = total
        return self


@dataclass
class Part:
    """One part of the report: a sheet of the workbook, a section of the PDF."""

    number: str  # 一、二、…
    title: str
    sheet: str  # the worksheet's name (31 characters at most)
    tables: list[Table] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # a few sentences summing the part up

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass
class ReportContent:
    """Everything the two files show; ``figures`` is exactly ``monthly_report_figures`` (the JSON contract)."""

    title: str
    bureau: str
    scope_label: str
    month: dt.date  # the month's first day
    as_of: dt.date  # D, the month's last day
    figures: dict
    parts: list[Part]
    recipient: str = ""

    @property
    def month_label(self) -> str:
        return f"{self.as_of.year}年{self.as_of.month}月"

    def part(self, sheet: str) -> Part:
        return next(part for part in self.parts if part.sheet == sheet)
