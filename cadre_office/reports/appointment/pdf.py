"""The 干部任免审批表 as a PDF: the standard two-sided layout on A4 (WeasyPrint, ``cadre_office.pdf``).

Page 1 is the table with the 简历 filling the rest of the sheet; page 2 has 奖惩情况, 年度考核结果,
任免理由, the family, 呈报单位, the two approval boxes and 填表人. The résumé's box has a fixed height:
``split_resume`` counts the lines each résumé line takes when wrapped in it, keeps on page 1 what
fits and carries the rest to an extra sheet (续页) after page 2, so nothing overflows or is cut.
"""

from __future__ import annotations

import base64
import math

from cadre_office.pdf import render_pdf
from cadre_office.reports.appointment.content import AppointmentForm

TEMPLATE = "reports/appointment_pdf.html"

# The résumé box (appointment-form-pdf.css: td.resume 135 mm high; the text column after the 35 mm dates
# is about 117 mm wide) at 10.5 pt with line-height 1.45: a line is 5.37 mm, a CJK character 3.70 mm.
RESUME_LINES_ON_PAGE_ONE = 24  # 135 mm / 5.37 mm = 25.1, less a line for padding and the 续页 note
TEXT_COLUMN_CHARS = 30  # 117 mm / 3.70 mm = 31.6, less one for the proportional digits and punctuation


def text_width(text: str) -> float:
    """Return ``text``'s width in CJK characters: ASCII (digits, Latin, spaces) counts half."""
    return sum(0.5 if ord(char) < 0x2E80 else 1 for char in text)


def visual_lines(line: str) -> int:
    """Return how many lines a résumé line takes in the box: its text wraps beside the dates."""
    _, _, text = line.partition("  ")
    return max(1, math.ceil(text_width(text or line) / TEXT_COLUMN_CHARS))


def split_resume(lines: list[str], capacity: int = RESUME_LINES_ON_PAGE_ONE) -> tuple[list[str], list[str]]:
    """Return the lines printed on page 1 and those carried to the 续页 (empty when all fit)."""
    if sum(visual_lines(line) for line in lines) <= capacity:
        return lines, []
    used, first = 0, []
    for index, line in enumerate(lines):
        needed = visual_lines(line)
        if used + needed > capacity - 1:  # keep a line for "（接续页）"
            return first, lines[index:]
        first.append(line)
        used += needed
    return first, []


def resume_rows(lines: list[str]) -> list[tuple[str, str]]:
    """Return (dates, text) pairs; a line written without dates keeps its text whole."""
    rows = []
    for line in lines:
        dates, gap, text = line.partition("  ")
        rows.append((dates, text) if gap else ("", line))
    return rows


def photo_data_url(form: AppointmentForm) -> str:
    """Return the photo inlined as a ``data:`` URL (WeasyPrint fetches nothing but static files)."""
    if not form.photo or form.photo_type not in ("image/jpeg", "image/png"):
        return ""
    return f"data:{form.photo_type};base64,{base64.b64encode(form.photo).decode('ascii')}"


FAMILY_ROWS = 7  # the printed form has seven rows; more members add rows


def pdf_context(form: AppointmentForm) -> dict:
    first, rest = split_resume(form.resume)
    family = list(form.family) + [None] * max(0, FAMILY_ROWS - len(form.family))
    return {"form": form, "resume_first": resume_rows(first), "resume_rest": resume_rows(rest),
            "photo": photo_data_url(form), "family": family, "family_span": len(family) + 1}


def appointment_pdf(form: AppointmentForm) -> bytes:
    return render_pdf(TEMPLATE, pdf_context(form))
