"""Writing spreadsheets: openpyxl write-only mode, values safe from formula injection, ready to print.

Every sheet prints as offices print a roster: A4 landscape, scaled to the page width (as many
pages down as it takes), the header row repeated at the top of every page, grid lines, page
numbers in the footer. Text in a column marked ``wrap`` that is wider than the column wraps
within its cell instead of running into the next one or being cut off.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

# A text cell starting with one of these would be read by Excel as a formula (docs/security.md 22).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """A spreadsheet column: header, how to get the value from a row, width in characters."""

    header: str
    value: Callable
    width: int = 12
    wrap: bool = False  # long text: wrap within the cell (on screen and on paper)


def _cell(sheet, value, *, font=None, fill=None, number_format=None, alignment=None, border=None):
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
    if alignment:
        cell.alignment = alignment
    if border:
        cell.border = border
    return cell


def styled_cell(sheet, value, **style):
    """Return a write-only cell of ``value`` with ``style`` (font, fill, number_format, alignment, border),
    stored as text where Excel would read a formula."""
    return _cell(sheet, value, **style)


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


def display_width(text: str) -> int:
    """Return how many character widths ``text`` takes in a cell: a Chinese character counts two."""
    return sum(2 if ord(char) >= 0x2E80 else 1 for char in text)


def _wrapped(sheet, value, width: int, template: WriteOnlyCell):
    """Return ``value`` as a wrapping cell when it is text too wide for its column, else as ``_safe`` does."""
    if isinstance(value, str) and display_width(value) > width:
        cell = WriteOnlyCell(sheet, value=value)
        cell._style = copy(template._style)  # one style shared by reference: no lookup per cell
        if value.startswith(_FORMULA_STARTS):
            cell.data_type = "s"
        return cell
    return _safe(sheet, value)


def print_setup(sheet, *, title_rows: str, landscape: bool = True, print_area: str | None = None) -> None:
    """A4 (landscape unless told), fit to the page width, ``title_rows`` ("1:3") on every page, grid lines,
    page numbers in the footer, and the print area when given ("A1:F40")."""
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE if landscape else Worksheet.ORIENTATION_PORTRAIT
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    if print_area:
        sheet.print_area = print_area
    sheet.print_options.gridLines = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _print_setup(sheet, header_row: int) -> None:
    """A4 landscape, fit to the page width, the header row on every page, grid lines, page numbers."""
    print_setup(sheet, title_rows=f"{header_row}:{header_row}")


def write_xlsx(*, title: str, columns: list[Column], rows: Iterable, heading: str = "") -> bytes:
    """Return an .xlsx with one sheet: an optional heading line, a header row, one line per row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A3" if heading else "A2"
    _print_setup(sheet, header_row=2 if heading else 1)
    bold = Font(bold=True)
    if heading:
        sheet.append([_cell(sheet, heading, font=Font(bold=True, size=14))])
    fill = PatternFill("solid", fgColor="DDE6F0")
    sheet.append([_cell(sheet, column.header, font=bold, fill=fill) for column in columns])
    template = WriteOnlyCell(sheet)
    template.alignment = Alignment(wrap_text=True, vertical="top")
    cells = [(column.value, column.width if column.wrap else None) for column in columns]
    for row in rows:
        sheet.append([_safe(sheet, get(row)) if width is None else _wrapped(sheet, get(row), width, template)
                      for get, width in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
