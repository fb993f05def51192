"""The dashboard's files: the briefing's cards as a workbook and as a PDF, a drill-down list as a workbook.

Each writes what it is given (a ``selectors.Briefing``, a drill-down queryset) and computes nothing: the
workbook's and the PDF's figures are the print view's, the list's rows the page's. This module imports no
selector, so ``services`` can use it (the selectors import ``services.plan_for``).
"""

import datetime as dt
from itertools import count

from django.conf import settings

from cadre_office.dates import age_on, format_month
from cadre_office.xlsx import Column, write_xlsx
from cadres.codes import LeadershipLevel
from cadres.idnumbers import mask_id_number
from cadres.models import Cadre, Education
from cadres.selectors import highest_education

BRIEFING_TITLE = "结构目标完成情况"
NO_GOAL = "未设具体数值"
CHUNK = 2000


def briefing_heading(briefing) -> str:
    """The line above the workbook's table: what, the statistics date, the scope, the plan."""
    plan = briefing.plan
    return (f"{BRIEFING_TITLE}　统计时点 {briefing.as_of:%Y-%m-%d}　统计范围 {briefing.scope.label}　"
            f"{plan.name}（{plan.start_date:%Y-%m-%d} 至 {plan.end_date:%Y-%m-%d}）")


BRIEFING_COLUMNS = [
    Column("指标", lambda row: row.card.target.name, 34, wrap=True),
    Column("口径", lambda row: row.definition, 44, wrap=True),
    Column("分子", lambda row: row.card.numerator, 8),
    Column("分母", lambda row: row.card.denominator, 8),
    Column("实际值", lambda row: row.card.value_display, 10),
    Column("目标", lambda row: row.card.goal_display or NO_GOAL, 12),
    Column("是否达成", lambda row: row.card.status_label, 10),
    Column("较上月变化", lambda row: row.change_display, 14),
]


def briefing_workbook(briefing) -> bytes:
    """Return the briefing's cards as a one-sheet workbook, one line per target in the print view's order."""
    return write_xlsx(title="结构看板", columns=BRIEFING_COLUMNS, rows=briefing.cards,
                      heading=briefing_heading(briefing))


def briefing_pdf(briefing, *, printed_at: dt.datetime, printer: str) -> bytes:
    """Return the briefing as an A4 landscape PDF: the print view's sheet, page numbers in the footer."""
    # Imported here: this module is loaded at start-up (the dashboard's tasks import services), and
    # WeasyPrint costs every web and worker process memory and start-up time it needs only for a PDF.
    from cadre_office.pdf import render_pdf

    return render_pdf("dashboard/briefing_pdf.html", {
        "briefing": briefing, "printed_at": printed_at, "printer": printer, "BUREAU_NAME": settings.BUREAU_NAME,
        "title": BRIEFING_TITLE,
    })


def _labels(model, name: str) -> dict:
    return {str(key): str(label) for key, label in model._meta.get_field(name).flatchoices}


class DrilldownExport:
    """A drill-down list as a workbook: the page's columns and rows, every row, not one page.

    ID numbers in full, with the full birth date, only for those who may see them (as the roster's
    export); everyone else gets the masked number beside the birth month, as on the page. Rows come
    from the page's own queryset (with its department and educations prefetched), read in chunks.
    """

    def __init__(self, cadres, *, full_id: bool, as_of: dt.date, plan_end: dt.date | None = None):
        self.cadres = cadres
        self.full_id = full_id
        self.as_of = as_of
        self.plan_end = plan_end  # given for the ageing-out list: its 期末年龄 column
        self.row_count = 0

    def columns(self) -> list[Column]:
        labels = {name: _labels(Cadre, name) for name in ("gender", "ethnicity", "political_status")}
        levels = dict(LeadershipLevel.choices)
        education = _labels(Education, "level")
        as_of, plan_end, full_id = self.as_of, self.plan_end, self.full_id

        def fulltime(row):
            record = highest_education(row[1], Education.Kind.FULL_TIME)
            return education.get(record.level, "") if record else ""

        columns = [
            Column("序号", lambda row: row[0], 6),
            Column("姓名", lambda row: row[1].name, 10),
            Column("性别", lambda row: labels["gender"].get(row[1].gender, ""), 6),
            # In full only beside a full number: next to a masked one the day would complete it.
            Column("出生日期", lambda row: row[1].birth_date, 12) if full_id
            else Column("出生年月", lambda row: format_month(row[1].birth_date), 10),
            Column("年龄", lambda row: age_on(row[1].birth_date, as_of) if row[1].birth_date else None, 6),
        ]
        if plan_end is not None:
            columns.append(Column("期末年龄", lambda row: age_on(row[1].birth_date, plan_end)
                                  if row[1].birth_date else None, 8))
        return [*columns,
                Column("民族", lambda row: labels["ethnicity"].get(row[1].ethnicity, ""), 8),
                Column("政治面貌", lambda row: labels["political_status"].get(row[1].political_status, ""), 10),
                Column("全日制学历", fulltime, 14),
                Column("工作单位", lambda row: row[1].department.name, 14, wrap=True),
                Column("现任职务", lambda row: row[1].current_post_title, 18, wrap=True),
                Column("职务层次", lambda row: levels.get(row[1].level_on_day, ""), 12),
                Column("身份证号", lambda row: row[1].id_number if full_id else mask_id_number(row[1].id_number), 21)]

    def _rows(self):
        numbers = count(1)
        for cadre in self.cadres.iterator(chunk_size=CHUNK):
            self.row_count = next(numbers)
            yield self.row_count, cadre

    def render(self, *, heading: str) -> bytes:
        """Return the workbook; ``row_count`` then says how many cadres it holds (for the audit row)."""
        self.row_count = 0
        return write_xlsx(title="名单", columns=self.columns(), rows=self._rows(), heading=heading)
