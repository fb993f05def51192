"""The 干部任免审批表 as a Word file (python-docx): the same content in an editable table, a page break
between the two sides, so offices can adjust the wording before printing."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from cadre_office.reports.appointment.content import AppointmentForm
from cadre_office.reports.appointment.pdf import FAMILY_ROWS

FONT = "宋体"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _font(run, size=10.5, bold=False):
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _set(cell, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5):
    cell.text = ""
    lines = (text or "").split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.alignment = align
        _font(paragraph.add_run(line), size)


def _merge(table, row, first, last):
    cell = table.cell(row, first)
    return cell.merge(table.cell(row, last)) if last > first else cell


def appointment_docx(form: AppointmentForm) -> bytes:
    """Return the form as a .docx file."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(14)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run("干部任免审批表"), 20, bold=True)

    left = WD_ALIGN_PARAGRAPH.LEFT
    side1 = document.add_table(rows=12, cols=7)
    side1.style = "Table Grid"
    side1.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [
        ("姓名", form.name, "性别", form.gender, "出生年月（岁）", form.birth_and_age),
        ("民族", form.ethnicity, "籍贯", form.native_place, "出生地", form.birthplace),
        ("入党时间", form.party_join, "参加工作时间", form.work_start, "健康状况", form.health),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            _set(side1.cell(r, c), value)
    _set(side1.cell(3, 0), "专业技术职务")
    _set(_merge(side1, 3, 1, 2), form.professional_title)
    _set(side1.cell(3, 3), "熟悉专业有何专长")
    _set(_merge(side1, 3, 4, 5), form.familiar_expertise)
    photo_cell = side1.cell(0, 6).merge(side1.cell(3, 6))
    if form.photo:
        photo_cell.text = ""
        photo_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        photo_cell.paragraphs[0].add_run().add_picture(io.BytesIO(form.photo), width=Mm(30))
    else:
        _set(photo_cell, "照片")
    # Education: 学历学位 | 全日制教育 / 在职教育 | 学历 and 学位 | 毕业院校系及专业 | the schools.
    _set(side1.cell(4, 0).merge(side1.cell(5, 0)), "学历\n学位")
    for r, (label, cell) in enumerate((("全日制\n教育", form.full_time), ("在职\n教育", form.part_time)), start=4):
        _set(side1.cell(r, 1), label)
        _set(_merge(side1, r, 2, 3), "\n".join(filter(None, (cell.level_short, cell.degree))))
        _set(side1.cell(r, 4), "毕业院校\n系及专业")
        schools = [cell.level_school] + ([cell.degree_school] if cell.degree_school != cell.level_school else [])
        _set(_merge(side1, r, 5, 6), "\n".join(filter(None, schools)), align=left)
    for r, (label, value) in enumerate((("现任职务", form.current_post), ("拟任职务", form.proposed_post),
                                        ("拟免职务", form.removed_post)), start=6):
        _set(side1.cell(r, 0), label)
        _set(_merge(side1, r, 1, 6), value, align=left)
    _set(side1.cell(9, 0).merge(side1.cell(11, 0)), "简\n\n\n历")
    resume = _merge(side1, 9, 1, 6).merge(_merge(side1, 11, 1, 6))
    _set(resume, form.resume_text, align=left)
    side1.rows[9].height = Mm(120)

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    side2 = document.add_table(rows=3 + 1 + max(FAMILY_ROWS, len(form.family)) + 2, cols=6)
    side2.style = "Table Grid"
    side2.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, (label, value, height) in enumerate((("奖惩情况", form.rewards, 40), ("年度考核结果", form.appraisals, 14),
                                                ("任免理由", form.reason, 20))):
        _set(side2.cell(r, 0), label)
        _set(_merge(side2, r, 1, 5), value, align=left)
        side2.rows[r].height = Mm(height)
    first_family = 3
    last_family = first_family + max(FAMILY_ROWS, len(form.family))
    _set(side2.cell(first_family, 0).merge(side2.cell(last_family, 0)), "家庭主要成员及重要社会关系")
    for c, header in enumerate(("称谓", "姓名", "年龄", "政治面貌", "工作单位及职务"), start=1):
        _set(side2.cell(first_family, c), header)
    for i, member in enumerate(form.family, start=first_family + 1):
        values = (member.relation, member.name, "" if member.age is None else str(member.age),
                  member.political_status, member.work_unit_and_post)
        for c, value in enumerate(values, start=1):
            _set(side2.cell(i, c), value, align=left if c == 5 else WD_ALIGN_PARAGRAPH.CENTER)
    unit_row = last_family + 1
    _set(side2.cell(unit_row, 0), "呈报单位")
    _set(_merge(side2, unit_row, 1, 5),
         f"{form.reporting_unit}\n（盖章）\n{form.filled_on.year}年{form.filled_on.month}月{form.filled_on.day}日",
         align=left)
    side2.rows[unit_row].height = Mm(28)
    opinion_row = unit_row + 1
    _set(side2.cell(opinion_row, 0), "审批机关意见")
    _set(_merge(side2, opinion_row, 1, 2), "\n\n\n\n（盖章）\n年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _set(side2.cell(opinion_row, 3), "行政机关任免意见")
    _set(_merge(side2, opinion_row, 4, 5), "\n\n\n\n（盖章）\n年　　月　　日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    side2.rows[opinion_row].height = Mm(45)
    filler = document.add_paragraph()
    _font(filler.add_run(f"填表人：{form.filled_by}　　　　填表时间：{form.filled_on.year}年{form.filled_on.month}月"
                         f"{form.filled_on.day}日"))

    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
