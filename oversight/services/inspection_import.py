"""The 平时考核 grid as an Excel template, and filling a grid from that template once completed.

The template lists the unit's cadres (编号 is the cadre's number in the system, 姓名 to check it
by eye); the unit fills 等次 (好/较好/一般/较差) and 备注 and uploads it. Before openpyxl parses
anything the upload's size and type are checked (the form) and the workbook's declared and real
size (``cadres.roster_workbook.inspect_workbook``); then every row is checked and every bad row
reported; nothing is written unless all are good, and then through ``quarterly_grades_save``.
"""

from __future__ import annotations

from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from cadre_office.audit.services import Event, audit_record
from cadre_office.xlsx import Column, write_xlsx
from cadres.roster_workbook import WorkbookRejected, inspect_workbook
from oversight import messages_inspection as msg
from oversight.models import QuarterlyReview, Rating
from oversight.services.inspection import quarterly_grades_save, quarterly_roster

# A unit's grid has tens of rows: anything near this is not a grid template.
MAX_ROWS = 1000
HEADERS = ("序号", "编号", "姓名", "现任职务", "等次", "备注")
_GRADE_BY_TEXT = {label: code for code, label in Rating.choices} | {code: code for code in Rating.values}


def grid_template_xlsx(*, department, year: int, quarter: int, grades: dict | None = None) -> bytes:
    """Return the grid of ``department`` for the quarter as a workbook to fill (current grades filled in)."""
    grades = grades or {}
    period = QuarterlyReview(year=year, quarter=quarter).period
    rows = list(enumerate(quarterly_roster(department, year, quarter), start=1))
    labels = dict(Rating.choices)
    columns = [
        Column("序号", lambda row: row[0], 6),
        Column("编号", lambda row: row[1].pk, 10),
        Column("姓名", lambda row: row[1].name, 12),
        Column("现任职务", lambda row: row[1].current_post_title or "", 30, wrap=True),
        Column("等次", lambda row: labels.get(grades.get(row[1].pk, ("", ""))[0], ""), 10),
        Column("备注", lambda row: grades.get(row[1].pk, ("", ""))[1], 30, wrap=True),
    ]
    heading = f"{department.name}{period}平时考核（等次填写：好、较好、一般、较差；请勿改动编号）"
    return write_xlsx(title="平时考核", columns=columns, rows=rows, heading=heading)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _pick(texts: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return texts[index] if index is not None and index < len(texts) else ""


def read_grid(handle: IO[bytes]) -> list[tuple[int, str, str, str, str]]:
    """Return (Excel row, 编号, 姓名, 等次, 备注) of every filled row of the first sheet.

    Raises ValidationError when the file is not a readable workbook of the template's shape.
    """
    from openpyxl import load_workbook

    try:
        inspect_workbook(handle, max_rows=MAX_ROWS)
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except WorkbookRejected:
        raise ValidationError(msg.IMPORT_UNREADABLE) from None
    except Exception:  # a damaged package: openpyxl raises many kinds, all mean the same to the user
        raise ValidationError(msg.IMPORT_UNREADABLE) from None
    try:
        sheet = workbook.worksheets[0]
        header_at, columns, rows = None, {}, []
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=20), start=1):
            texts = [_text(value) for value in values]
            if header_at is None:
                if {"编号", "姓名", "等次"} <= set(texts):
                    header_at, columns = number, {text: index for index, text in enumerate(texts) if text}
                elif number >= 5:
                    break
                continue
            values = [_pick(texts, columns, name) for name in ("编号", "姓名", "等次", "备注")]
            if any(values):
                rows.append((number, *values))
    finally:
        workbook.close()
    if header_at is None:
        raise ValidationError(msg.IMPORT_BAD_HEADER)
    return rows


@transaction.atomic
def quarterly_grades_import(*, actor, department, year: int, quarter: int, handle: IO[bytes],
                            filename: str = "") -> tuple[QuarterlyReview, int]:
    """Fill ``department``'s grid for the quarter from a completed template; all rows or none.

    Every bad row is reported (a number not on this unit's grid, a name that does not match, an
    unknown grade, a number twice); rows without a grade are left as they are.
    """
    period = QuarterlyReview(year=year, quarter=quarter).period
    roster = {cadre.pk: cadre for cadre in quarterly_roster(department, year, quarter)}
    errors, grades, seen = [], {}, set()
    for row, code, name, grade_text, note in read_grid(handle):
        cadre = roster.get(int(code)) if code.isdigit() else None
        if cadre is None:
            errors.append(msg.IMPORT_ROW_UNKNOWN.format(row=row, code=code, unit=department.name, period=period))
            continue
        if cadre.pk in seen:
            errors.append(msg.IMPORT_ROW_DUPLICATE.format(row=row, code=code))
            continue
        seen.add(cadre.pk)
        if name and name != cadre.name:
            errors.append(msg.IMPORT_ROW_NAME.format(row=row, code=code, expected=cadre.name, name=name))
        if len(note) > 200:
            errors.append(msg.IMPORT_ROW_NOTE.format(row=row))
        if not grade_text:
            continue
        grade = _GRADE_BY_TEXT.get(grade_text)
        if grade is None:
            errors.append(msg.IMPORT_ROW_GRADE.format(row=row, grade=grade_text))
            continue
        grades[cadre.pk] = (grade, note)
    if errors:
        raise ValidationError(errors)
    if not grades:
        raise ValidationError(msg.IMPORT_NOTHING)
    review, changed = quarterly_grades_save(actor=actor, department=department, year=year, quarter=quarter,
                                            grades=grades, source="平时考核（Excel导入）")
    audit_record(Event.IMPORT, actor=actor, obj=review, detail={"file": filename[:100], "rows": len(grades),
                                                                 "changed": changed})
    return review, len(grades)
