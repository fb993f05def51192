"""The monthly report's files (issue 15, item 1): ``cadre_office.reports.monthly.build_files``.

The workbook is read back with openpyxl (every part's sheet, 合计 equal to the sums of their rows, the
structure numbers equal to ``figures``, print area, title rows and A4 set); the PDF is read with poppler
(``pdftotext``, ``pdfinfo``): title, scope, D, figures, page numbers, a long list on several pages with
no row split; a unit's report holds only its subtree; the query count does not grow with the roster.
"""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.reports.monthly import build_files
from cadre_office.reports.monthly.content import report_content
from cadre_office.reports.structure import monthly_report_figures
from cadre_office.xlsx import display_width
from cadres.codes import Gender, LeadershipLevel, PersonnelStatus
from tests.factories import CadreFactory, DepartmentFactory, PostFactory

pytestmark = pytest.mark.django_db

ZHENG, FU = LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY
SHEETS = ["结构统计", "目标完成情况", "队伍变化", "退休到龄", "选拔任用", "日常监督", "教育培训"]
HEADER_FILL = "DDE6F0"
# The history rows of department moves are dated when they are saved: the report's month is this month.
TODAY = timezone.localdate()
MONTH = TODAY.replace(day=1)
FIRST_DAY = MONTH


def month_end(day):
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


D = month_end(MONTH)


def section_cadre(level=FU, *, department, title=None, start=dt.date(2020, 1, 1), end=None, **fields):
    cadre = CadreFactory(department=department, **fields)
    PostFactory(cadre=cadre, level=level, title=title or ("科长" if level == ZHENG else "副科长"),
                start_date=start, end_date=end)
    return cadre


@pytest.fixture
def bureau():
    """Unit 甲 with sub-unit 乙, and unit 丙; a few cadres of each kind of event in the month."""
    jia = DepartmentFactory(name="甲科")
    yi = DepartmentFactory(name="乙股", parent=jia)
    bing = DepartmentFactory(name="丙科")
    section_cadre(ZHENG, department=jia, name="甲正科", gender=Gender.FEMALE)
    section_cadre(FU, department=yi, name="乙副科", birth_date=dt.date(1995, 3, 1))
    section_cadre(FU, department=bing, name="丙副科")
    section_cadre(FU, department=yi, name="乙新任", start=FIRST_DAY)
    section_cadre(FU, department=bing, name="丙免职", end=FIRST_DAY)
    retired = CadreFactory(department=jia, name="甲退休", birth_date=dt.date(1962, 1, 5))
    retired.status, retired.status_date = PersonnelStatus.RETIRED, FIRST_DAY
    retired.save()
    section_cadre(FU, department=jia, name="甲到龄", birth_date=dt.date(1966, 6, 1))
    section_cadre(FU, department=bing, name="丙到龄", birth_date=dt.date(1966, 6, 1))
    moved = section_cadre(FU, department=bing, name="丙调甲")
    moved.department = jia
    moved.save()
    return {"甲": jia, "乙": yi, "丙": bing}


def workbook(xlsx: bytes):
    return load_workbook(io.BytesIO(xlsx))


def tables(sheet):
    """Yield (title, header, data rows, total row or None) of each table of ``sheet``: a header row is filled."""
    rows = list(sheet.iter_rows())
    for index, row in enumerate(rows):
        if row[0].fill.fgColor.rgb and row[0].fill.fgColor.rgb.endswith(HEADER_FILL):
            title = rows[index - 1][0].value
            header = [cell.value for cell in row if cell.value is not None]
            data, total = [], None
            for following in rows[index + 1:]:
                values = [cell.value for cell in following][:len(header)]
                if not any(v is not None for v in values):
                    break
                if values[0] == "合计":
                    total = values
                    break
                data.append(values)
            yield title, header, data, total


def sheet_text(sheet) -> str:
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in sheet.iter_rows(values_only=True))


def pdf_text(pdf: bytes, tmp_path) -> list[str]:
    """Return the text of each page (``pdftotext -layout``)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext not found: install poppler-utils (make test does).")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


# --- the workbook -------------------------------------------------------------------------------------------------


def test_the_figures_are_exactly_the_json_object(bureau):
    built = build_files(MONTH)
    assert built.figures == monthly_report_figures(MONTH)


def test_the_workbook_has_a_sheet_per_part_with_title_scope_and_date(bureau):
    book = workbook(build_files(MONTH, scope_label="全局").xlsx)
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet["A1"].value.endswith(f"科级干部队伍建设情况月报（{D.year}年{D.month}月）")
        assert "报送单位：" in sheet["A2"].value and f"统计时点：{D:%Y-%m-%d}" in sheet["A2"].value
        assert "（全局）" in sheet["A2"].value


def test_the_structure_tables_hold_the_figures_and_their_totals_are_the_sums(bureau):
    built = build_files(MONTH)
    structure = built.figures["structure"]
    found = {title: (data, total) for title, _, data, total in tables(workbook(built.xlsx)["结构统计"])}
    ages, age_total = found["表1 年龄结构（统计时点周岁）"]
    assert {row[0]: row[1:] for row in ages} == {
        label: [structure["正科"]["age"][label], structure["副科"]["age"][label],
                structure["正科"]["age"][label] + structure["副科"]["age"][label]]
        for label in structure["正科"]["age"]}
    assert age_total[1:] == [structure["正科"]["total"], structure["副科"]["total"],
                             structure["正科"]["total"] + structure["副科"]["total"]]
    full_time, _ = found["表2 全日制学历"]
    assert [row[1] for row in full_time] == list(structure["正科"]["education_full_time"].values())
    highest, _ = found["表3 最高学历（全日制与在职取高）"]
    assert [row[2] for row in highest] == list(structure["副科"]["education_highest"].values())
    other, _ = found["表4 人数、女性、少数民族、党外及当月新任"]
    assert other[0][1:3] == [structure["正科"]["total"], structure["副科"]["total"]]
    assert other[1][1] == structure["正科"]["female"] == 1
    assert other[4][1:3] == [built.figures["new_posts"]["正科"], built.figures["new_posts"]["副科"]] == [0, 1]


def test_every_total_row_of_every_sheet_is_the_sum_of_its_rows(bureau):
    book = workbook(build_files(MONTH).xlsx)
    totals = 0
    for sheet in book.worksheets:
        for title, header, data, total in tables(sheet):
            if total is None:
                continue
            for index, value in enumerate(total):
                if isinstance(value, int) and not isinstance(value, bool):
                    assert value == sum(row[index] or 0 for row in data), (sheet.title, title, header[index])
                    totals += 1
    assert totals > 20  # the structure, the steps, the oversight and the training tables have totals


def test_the_workbook_prints_on_a4_with_title_rows_and_a_print_area(bureau):
    book = workbook(build_files(MONTH).xlsx)
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        single = sheet.title in ("退休到龄", "教育培训")  # one table: its header row repeats too
        assert sheet.print_title_rows == ("$1:$4" if single else "$1:$2")
        if single:
            assert sheet["A4"].fill.fgColor.rgb.endswith(HEADER_FILL)
        assert re.fullmatch(r"'?.+'?!\$A\$1:\$[A-Z]+\$\d+", sheet.print_area), sheet.print_area
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        for cell in next(row for row in sheet.iter_rows() if row[0].fill.fgColor.rgb.endswith(HEADER_FILL)):
            if cell.value:  # every header fits its column (a Chinese character is two widths)
                assert sheet.column_dimensions[cell.column_letter].width >= display_width(cell.value), cell.value
    assert book["目标完成情况"].page_setup.orientation in ("portrait", "landscape")


def test_numbers_are_right_aligned_and_text_is_safe_from_formulas(bureau):
    section_cadre(FU, department=bureau["甲"], name="=1+1", birth_date=dt.date(1966, 6, 1))
    book = workbook(build_files(MONTH).xlsx)
    sheet = book["退休到龄"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)
    number_cells = [cell for row in book["结构统计"].iter_rows() for cell in row if isinstance(cell.value, int)]
    assert number_cells and all(cell.alignment.horizontal == "right" for cell in number_cells)


# --- the parts' content -----------------------------------------------------------------------------------------


def test_the_changes_of_the_month_list_new_posts_removals_retirements_and_moves(bureau):
    content = report_content(MONTH, figures=monthly_report_figures(MONTH))
    part = content.part("队伍变化")
    lists = {table.title.split(" ", 1)[1]: [row[0] for row in table.rows] for table in part.tables[1:]}
    assert lists["新任科级职务"] == ["乙新任"]
    assert lists["免去科级职务"] == ["丙免职"]
    assert lists["退休"] == ["甲退休"]
    assert lists["内部调整单位"] == ["丙调甲"]  # both units are in the bureau
    assert {row[0]: row[1] for row in part.tables[0].rows}["退休"] == 1


def test_a_units_report_holds_only_its_subtree(bureau, tmp_path):
    built = build_files(MONTH, departments=[bureau["甲"]], scope_label="甲科")
    book = workbook(built.xlsx)
    text = "\n".join(sheet_text(sheet) for sheet in book.worksheets)
    for name in ("甲到龄", "乙新任", "甲退休"):
        assert name in text
    for name in ("丙到龄", "丙免职", "丙副科"):
        assert name not in text
    assert built.figures["structure"]["副科"]["total"] == 4  # 乙副科, 乙新任, 甲到龄, 丙调甲 (moved in)
    content = report_content(MONTH, figures=built.figures, departments=[bureau["甲"]])
    moves = {table.title.split(" ", 1)[1]: [row[0] for row in table.rows] for table in content.part("队伍变化").tables}
    assert moves["调入"] == ["丙调甲"] and moves["内部调整单位"] == []
    pdf = "\n".join(pdf_text(built.pdf, tmp_path))
    assert "甲科" in pdf and "丙到龄" not in pdf and "甲到龄" in pdf


def test_the_targets_are_the_dashboards_figures_for_the_month_ends(bureau):
    from cadre_office.dashboard import figures
    from cadre_office.dashboard.services import plan_for, target_params

    content = report_content(MONTH, figures=monthly_report_figures(MONTH))
    plan = plan_for(D)
    table, trend = content.part("目标完成情况").tables
    assert len(table.rows) == plan.targets.count() == len(trend.rows)
    counts = figures.bureau_counts(D, target_params(plan))
    female = next(row for row in table.rows if row[0] == plan.targets.get(code="female").name)
    assert female[3] == f"{counts['female'].numerator}/{counts['female'].denominator}" == "1/7"
    assert trend.columns[-1].header == f"{D:%Y-%m}" and len(trend.columns) == 7


def test_retirements_due_within_twelve_months_come_overdue_first(bureau):
    overdue = section_cadre(FU, department=bureau["丙"], name="超期者", birth_date=dt.date(1960, 1, 1))
    content = report_content(MONTH, figures=monthly_report_figures(MONTH))
    rows = content.part("退休到龄").tables[0].rows
    assert rows[0][1] == overdue.name and rows[0][-1].startswith("已超期")
    assert {row[1] for row in rows} == {"超期者", "甲到龄", "丙到龄"}


# --- the PDF ----------------------------------------------------------------------------------------------------


def test_the_pdf_holds_title_scope_date_figures_and_page_numbers(bureau, tmp_path):
    built = build_files(MONTH, scope_label="全局")
    pages = pdf_text(built.pdf, tmp_path)
    assert len(pages) == pdf_pages(built.pdf, tmp_path) >= 7  # the cover and a page per part
    whole = "\n".join(pages)
    assert f"科级干部队伍建设情况月报（{D.year}年{D.month}月）" in pages[0]
    assert "全局" in pages[0] and f"{D:%Y-%m-%d}" in pages[0] and "填报人" in pages[0]
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", pages[0])
    assert re.search(rf"第\s*{len(pages)}\s*页\s*共\s*{len(pages)}\s*页", pages[-1])
    total = built.figures["structure"]["正科"]["total"] + built.figures["structure"]["副科"]["total"]
    assert re.search(rf"^合计\s+{built.figures['structure']['正科']['total']}\s+"
                     rf"{built.figures['structure']['副科']['total']}\s+{total}\s*$", whole, re.M)
    for heading in ("一、科级干部队伍结构", "四、退休到龄情况", "七、教育培训情况"):
        assert heading in whole


def test_a_long_list_runs_over_several_pages_with_the_header_repeated_and_no_row_split(bureau, tmp_path):
    unit = bureau["丙"]
    for n in range(200):
        section_cadre(FU, department=unit, name=f"到龄{n:03d}", birth_date=dt.date(1966, 7, 1))
    built = build_files(MONTH)
    pages = pdf_text(built.pdf, tmp_path)
    listing = [page for page in pages if re.search(r"到龄\d{3}", page)]
    assert len(listing) >= 3
    for page in listing:  # the header row is repeated on every page of the table
        assert re.search(r"序号\s+姓名\s+性别\s+出生年月", page)
    lines = [line for page in listing for line in page.splitlines() if re.search(r"到龄\d{3}", line)]
    names = [re.search(r"到龄\d{3}", line).group() for line in lines]
    assert sorted(names) == [f"到龄{n:03d}" for n in range(200)]  # each row once, whole on one line
    assert all(re.search(r"\d{4}年\d{2}月\s+(本月到龄|距退休|已超期)", line) for line in lines)
    css = (settings_static() / "css" / "monthly-report-pdf.css").read_text()
    assert re.search(r"\.data tr \{[^}]*break-inside: avoid", css)
    assert "display: table-header-group" in css


def settings_static():
    from django.conf import settings

    return settings.BASE_DIR / "static"


# --- cost -------------------------------------------------------------------------------------------------------


def _roster(n: int, department):
    for i in range(n):
        section_cadre(FU, department=department, name=f"批量{i}", birth_date=dt.date(1966, 3, 1))


@pytest.mark.parametrize("extra", [0, 30])
def test_the_query_count_does_not_grow_with_the_roster(bureau, django_assert_num_queries, extra):
    _roster(extra, bureau["乙"])
    figures = monthly_report_figures(MONTH)
    # 2 figures; 1 units; targets: the plan (1, in force on D), its targets (1), their params (1), the stored
    # snapshots of the month-ends (1, none here), one grouped count per month-end without one (6);
    # changes: posts (1), left service (1), history moves (1); retirement (1);
    # selection: cases (1), the current template (1), its steps (1); oversight: appraisals (1), quarterly
    # grades (1), talks (1), flags (1), decisions (1), filings (1); training: settings (1), hours by unit (1).
    with django_assert_num_queries(2 + 26):
        built = build_files(MONTH)
    assert built.figures == figures


def test_stored_month_end_snapshots_are_read_instead_of_recounted(bureau, django_assert_num_queries):
    from cadre_office.dashboard.services import snapshot_compute

    live = report_content(MONTH, figures=monthly_report_figures(MONTH), departments=[bureau["甲"]])
    for back in range(6):
        snapshot_compute(as_of=month_end((MONTH - dt.timedelta(days=28 * back)).replace(day=1)))
    figures = monthly_report_figures(MONTH, departments=[bureau["甲"]])
    # As above, but the six counts are one query of the stored figures.
    with django_assert_num_queries(1 + 3 + 1 + 1 + 3 + 1 + 3 + 6 + 2):
        stored = report_content(MONTH, figures=figures, departments=[bureau["甲"]])
    assert stored.part("目标完成情况").tables[0].rows == live.part("目标完成情况").tables[0].rows
    assert stored.part("目标完成情况").tables[1].rows == live.part("目标完成情况").tables[1].rows


def test_the_pdf_lists_the_first_rows_of_a_very_long_list_and_the_workbook_all(bureau, tmp_path, monkeypatch):
    from cadre_office.reports.monthly import tree

    monkeypatch.setattr(tree, "PDF_ROW_LIMIT", 2)
    section_cadre(FU, department=bureau["乙"], name="乙到龄", birth_date=dt.date(1966, 8, 1))
    built = build_files(MONTH)
    text = "\n".join(pdf_text(built.pdf, tmp_path))
    assert "以下从略：共 3 人（条），本文件列出前 2 条" in text
    _, _, data, _ = next(tables(workbook(built.xlsx)["退休到龄"]))
    assert len(data) == 3
    assert "年龄段" in text and "56岁及以上" in text  # the tables of figures are never cut


def test_the_pdf_is_set_in_the_noto_cjk_fonts_only(bureau, tmp_path):
    from tests.test_pdf_fonts import NOTO_CJK, embedded_fonts

    fonts = embedded_fonts(build_files(MONTH).pdf, tmp_path)
    assert fonts and [font for font in fonts if not NOTO_CJK.match(font)] == [], fonts
    assert any("Serif" in font for font in fonts)  # the body is set in a serif, as official documents are
