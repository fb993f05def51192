"""The roster workbook's columns for 专业技术职务取得时间, 专长 and 熟悉专业有何专长 (docs/roster-format.md)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from cadres import messages
from cadres.models import Cadre
from cadres.roster_workbook import read_roster
from cadres.services import apply_roster_import, plan_roster_import, roster_export
from tests.cadres.workbooks import HEADERS, build_roster, valid_row

pytestmark = pytest.mark.django_db


EXPERTISE_HEADERS = ["专业技术职务取得时间", "专长", "熟悉专业有何专长"]


def _import(rows, actor, headers=None):
    plan = plan_roster_import(read_roster(io.BytesIO(build_roster(rows, headers))))
    if plan.is_valid:
        apply_roster_import(plan, actor=actor)
    return plan


def test_the_roster_reads_and_writes_the_expertise_columns_and_reads_its_export_back_unchanged(staff):
    rows = [valid_row(0, 专业技术职务="经济师", 专业技术职务取得时间="2015.06", 专长="财务",
                      熟悉专业有何专长="熟悉财务管理，有审计专长"),
            valid_row(1, 专业技术职务="律师", 专业技术职务取得时间="2012-03-15"),
            valid_row(2, 籍贯工作单位备注="一列本系统不认识的列")]
    plan = _import(rows, staff, headers=[*HEADERS, *EXPERTISE_HEADERS, "籍贯工作单位备注"])
    assert plan.counts == {"new": 3, "changed": 0, "unchanged": 0, "errors": 0}
    first, second, third = Cadre.objects.order_by("id_number")
    assert (first.professional_title_date, first.professional_title_date_precision, first.specialty,
            first.familiar_expertise) == (dt.date(2015, 6, 1), "month", "财务", "熟悉财务管理，有审计专长")
    assert (second.professional_title_date, second.professional_title_date_precision) == (dt.date(2012, 3, 15), "day")
    assert (third.professional_title_date, third.specialty) == (None, "")

    export = roster_export(actor=staff, data={})
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[header.index("专业技术职务") + 1:header.index("专业技术职务") + 4] == EXPERTISE_HEADERS
    by_name = {row[header.index("姓名")].value: row for row in sheet.iter_rows(min_row=2)}
    written = by_name[first.name]
    assert [written[header.index(h)].value for h in EXPERTISE_HEADERS] == [
        "2015.06", "财务", "熟悉财务管理，有审计专长"]
    assert by_name[second.name][header.index("专业技术职务取得时间")].value == dt.datetime(2012, 3, 15)
    # The export reads back as the same roster: nothing to change.
    again = plan_roster_import(read_roster(io.BytesIO(export.content)))
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 3, "errors": 0}

    # A workbook without the columns leaves them as they are; one that changes them says so.
    assert _import(rows[:1], staff).counts["unchanged"] == 1
    plan = _import([valid_row(0, 专业技术职务="高级经济师", 专业技术职务取得时间="2021.12", 专长="财务",
                              熟悉专业有何专长="熟悉财务管理，有审计专长")],
                   staff, headers=[*HEADERS, *EXPERTISE_HEADERS])
    [row] = plan.of_kind("changed")
    assert [(c.label, c.old, c.new) for c in row.changes] == [
        ("专业技术职务", "经济师", "高级经济师"), ("专业技术职务取得时间", "2015.06", "2021.12")]
    first.refresh_from_db()
    assert (first.professional_title, first.professional_title_date) == ("高级经济师", dt.date(2021, 12, 1))


def test_a_title_date_without_a_title_or_before_birth_is_a_row_error(staff):
    plan = _import([valid_row(0, 专业技术职务取得时间="2015.06"),
                    valid_row(1, 专业技术职务="律师", 专业技术职务取得时间="1970.01"),
                    valid_row(2, 专业技术职务="律师", 专业技术职务取得时间="2015年6月")],
                   staff, headers=[*HEADERS, *EXPERTISE_HEADERS])
    assert [str(error) for error in plan.errors] == [
        f"第2行 专业技术职务取得时间: {messages.TITLE_DATE_WITHOUT_TITLE}",
        f"第3行 专业技术职务取得时间: {messages.DATE_BEFORE_BIRTH}",
        f"第4行 专业技术职务取得时间: {messages.IMPORT_BAD_DATE_OR_MONTH}",
    ]
    assert not Cadre.objects.exists()
