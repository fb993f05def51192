"""The roster export on paper: A4 landscape, fit to width, the header row on every page, long text wrapped."""

import io

import pytest
from django.http import QueryDict
from openpyxl import load_workbook

from cadres import services
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook():
    department = DepartmentFactory(name="综合行政执法大队第一中队")
    cadre = CadreFactory(name="王一", department=department, remarks="短备注")
    EducationFactory(cadre=cadre, school_major="中国人民大学公共管理学院行政管理专业")
    CadreFactory(name="李二", remarks="2019年至2021年借调区委组织部参与干部档案专项审核工作，表现突出")
    export = services.roster_export(actor=role_user("人事干部"), data=QueryDict())
    return load_workbook(io.BytesIO(export.content))


def test_the_export_prints_on_a4_landscape_fit_to_the_page_width(workbook):
    sheet = workbook.active
    setup = sheet.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # 9: A4
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_options.gridLines is True
    assert "&P" in sheet.oddFooter.center.text


def test_the_header_row_repeats_on_every_page(workbook):
    sheet = workbook.active
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.cell(row=1, column=1).value == "序号"


def test_long_text_wraps_in_its_cell_and_short_text_stays_plain(workbook):
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    rows = {row[header.index("姓名")].value: row for row in sheet.iter_rows(min_row=2)}
    remarks, school = header.index("备注"), header.index("全日制毕业院校及专业")
    assert rows["李二"][remarks].alignment.wrap_text is True
    assert rows["王一"][school].alignment.wrap_text is True
    assert rows["王一"][header.index("工作单位")].alignment.wrap_text is True
    assert not rows["王一"][remarks].alignment.wrap_text  # fits its column
    assert not rows["王一"][header.index("姓名")].alignment.wrap_text
