"""The monthly report's workbook: one sheet per part, laid out from the content tree, ready to print on A4.

Each sheet: the report's title (row 1), 报送单位 and 统计时点 (row 2), the part's heading and summary, then
its tables one below the other (a title row, a header row, the rows, the 合计 row as values). Rows 1–2
repeat on every printed page; the print area is the used range; numbers are right-aligned.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from cadre_office.reports.monthly.tree import Part, ReportContent, Table, text
from cadre_office.xlsx import display_width, print_setup, styled_cell

TITLE = Font(name="宋体", bold=True, size=14)
BOLD = Font(name="宋体", bold=True)
PLAIN = Font(name="宋体")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="666666")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
PORTRAIT_MAX_WIDTH = 90  # character widths that still fit an A4 portrait page at a readable scale
MIN_SHEET_WIDTH = 64  # the report's title at 14 pt spans about this many character widths


def _width(part: Part) -> int:
    return max(len(table.columns) for table in part.tables) if part.tables else 1


def _column_widths(part: Part) -> list[int]:
    """Per column, the widest of the tables' declared widths and their texts (a Chinese character counts two)."""
    widths = [8] * _width(part)
    for table in part.tables:
        for index, column in enumerate(table.columns):
            widths[index] = max(widths[index], column.width, display_width(column.header) + 2)
            for row in table.rows[:200]:  # a sample is enough; long columns wrap
                widths[index] = max(widths[index], min(display_width(text(row[index])) + 2, 40))
    total = sum(widths)
    if total < MIN_SHEET_WIDTH:  # narrow tables: widen them so the title row (merged across) fits on one line
        widths = [round(width * MIN_SHEET_WIDTH / total) for width in widths]
    return widths


def _value(value):
    """Numbers as numbers (Decimal as float, one decimal shown); dates as dates; everything else as text."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _write_table(sheet, table: Table, title: str = "") -> int:
    """Append ``table`` (under ``title``, else its own); return how many rows it took."""
    sheet.append([styled_cell(sheet, title or table.title, font=BOLD)])
    sheet.append([styled_cell(sheet, column.header, font=BOLD, fill=HEADER_FILL, alignment=CENTER, border=BOX)
                  for column in table.columns])
    used = 2
    for row in table.rows:
        sheet.append([_data_cell(sheet, value, column.numeric or isinstance(value, Decimal))
                      for value, column in zip(row, table.columns, strict=True)])
        used += 1
    if not table.rows:
        sheet.append([styled_cell(sheet, table.empty, font=PLAIN)])
        used += 1
    if table.total is not None:
        sheet.append([styled_cell(sheet, _value(value), font=BOLD, fill=TOTAL_FILL, border=BOX,
                                  alignment=RIGHT if not isinstance(value, str) else CENTER,
                                  number_format="0.0" if isinstance(value, Decimal) else None)
                      for value in table.total])
        used += 1
    if table.note:
        sheet.append([styled_cell(sheet, "注：" + table.note, font=PLAIN)])
        used += 1
    sheet.append([])
    return used + 1


def _data_cell(sheet, value, numeric: bool):
    if numeric:
        return styled_cell(sheet, _value(value), font=PLAIN, alignment=RIGHT, border=BOX,
                           number_format="0.0" if isinstance(value, Decimal) else None)
    return styled_cell(sheet, text(value) if isinstance(value, dt.date) else value, font=PLAIN, alignment=LEFT,
                       border=BOX)


def _write_part(workbook: Workbook, content: ReportContent, part: Part) -> None:
    sheet = workbook.create_sheet(title=part.sheet[:31])
    widths = _column_widths(part)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    span = len(widths)
    last = get_column_letter(span)
    # A part of one table (a long list) prints its header row on every page: the heading and the table's
    # title share row 3, the header is row 4, the summary follows the table. Other parts repeat rows 1–2.
    single = len(part.tables) == 1
    # Before the first row: a write-only sheet writes its properties (fit to page) when rows start.
    print_setup(sheet, title_rows="1:4" if single else "1:2", landscape=sum(widths) > PORTRAIT_MAX_WIDTH)
    sheet.append([styled_cell(sheet, content.title, font=TITLE, alignment=CENTER)])
    recipient = f"    报送：{content.recipient}" if content.recipient else ""
    sheet.append([styled_cell(sheet, f"报送单位：{content.bureau}（{content.scope_label}）    "
                                     f"统计时点：{content.as_of:%Y-%m-%d}{recipient}", font=PLAIN)])
    rows = 2
    if single:
        rows += _write_table(sheet, part.tables[0], title=f"{part.heading}    {part.tables[0].title}")
        for line in part.lines:
            sheet.append([styled_cell(sheet, line, font=PLAIN)])
            rows += 1
    else:
        sheet.append([styled_cell(sheet, part.heading, font=BOLD)])
        rows += 1
        for line in part.lines:
            sheet.append([styled_cell(sheet, line, font=PLAIN)])
            rows += 1
        sheet.append([])
        rows += 1
        for table in part.tables:
            rows += _write_table(sheet, table)
    for row in (1, 2):
        sheet.merged_cells.add(f"A{row}:{last}{row}")
    sheet.row_dimensions[1].height = 24
    sheet.print_area = f"A1:{last}{rows}"


def write_workbook(content: ReportContent) -> bytes:
    """Return the report's .xlsx: a sheet per part, in the parts' order."""
    workbook = Workbook(write_only=True)
    for part in content.parts:
        _write_part(workbook, content, part)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
