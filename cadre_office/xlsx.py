"""Writing spreadsheets: openpyxl write-only mode, values safe from formula injection."""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# A text cell starting with one of these would be read by Excel as a formula (SECURITY.md 22).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A spreadsheet column: header, how to get the value from a row, width in characters."""

    header: str
    value: Callable
    width: int = 12


def _cell(sheet, value, *, font=None, fill=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell.data_type = "s"  # store as text, never as a formula
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell


def _safe(sheet, value):
    """Return ``value`` for ``sheet.append``: as it is, or as a text cell where Excel would see a formula.

    Plain values cost openpyxl least (dates get their yyyy-mm-dd format from openpyxl itself);
    only the rare text that starts like a formula needs a cell object of its own.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(*, title: str, columns: list[Column], rows: Iterable, heading: str = "") -> bytes:
    """Return an .xlsx with one sheet: an optional heading line, a header row, one line per row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A3" if heading else "A2"
    bold = Font(bold=True)
    if heading:
        sheet.append([_cell(sheet, heading, font=Font(bold=True, size=14))])
    fill = PatternFill("solid", fgColor="DDE6F0")
    sheet.append([_cell(sheet, column.header, font=bold, fill=fill) for column in columns])
    getters = [column.value for column in columns]
    for row in rows:
        sheet.append([_safe(sheet, get(row)) for get in getters])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
