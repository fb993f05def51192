"""理论培训 in a real browser: personnel staff create a programme, import its attendance workbook (upload,
preview, confirm), and see the hours in the hours table by unit."""

import pytest
from django.utils import timezone
from openpyxl import Workbook

from cadre_office.accounts.roles import Role
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user
from training.models import CadreYearHours, Enrolment, TrainingProgramme
from training.services.programmes_import import HEADERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def world(transactional_db):
    office = DepartmentFactory(name="办公室")
    staff = role_user(Role.PERSONNEL, username="renshi_t", first_name="人事干部甲", password=PASSWORD)
    cadres = [CadreFactory(name="欧阳明华", department=office, current_level="51"),
              CadreFactory(name="司马青", department=office, current_level="52")]
    return {"staff": staff, "office": office, "cadres": cadres}


def _workbook(path, rows):
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_personnel_staff_create_a_programme_import_attendance_and_see_the_hours(page, world, tmp_path):
    today = timezone.localdate()
    ouyang, sima = world["cadres"]
    log_in(page, "renshi_t", PASSWORD)

    # A new programme, one day, 90 学时, held today.
    page.goto(page.base_url + "/training/programmes/")
    page.click("a:has-text('新增培训项目')")
    page.fill("#id_name", "科级干部综合能力提升专题班")
    page.select_option("#id_category", label="党的理论和方针政策")
    page.select_option("#id_mode", label="脱产培训")
    page.fill("#id_organiser", "区委党校")
    page.fill("#id_start_date", f"{today:%Y-%m-%d}")
    page.fill("#id_end_date", f"{today:%Y-%m-%d}")
    page.fill("#id_hours", "90")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("[data-testid=programme-hours]") == "90"
    programme = TrainingProgramme.objects.get(name="科级干部综合能力提升专题班")

    # A workbook with a wrong row is refused whole, with the row and the column.
    page.click("a:has-text('导入考勤')")
    bad = _workbook(tmp_path / "bad.xlsx", [["欧阳明华", ouyang.id_number, 95, 0, "是", "", ""],
                                            ["司马青", sima.id_number, 90, 0, "是", "", ""]])
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('上传并预览')")
    page.wait_for_selector("[data-testid=import-error-rows]")
    assert "第2行" in page.inner_text("[data-testid=import-error-rows]")
    assert "超过培训项目的学时（90学时）" in page.inner_text("[data-testid=import-error-rows]")
    assert not Enrolment.objects.filter(programme=programme).exists()

    # The corrected workbook: the preview, then the confirmation writes both rows.
    good = _workbook(tmp_path / "good.xlsx", [["欧阳明华", ouyang.id_number, 90, 0, "是", "DX-001", ""],
                                              ["司马青", sima.id_number, 84, 1, "否", "", "请假半天"]])
    page.set_input_files("#id_file", str(good))
    page.click("button:has-text('上传并预览')")
    page.wait_for_selector("[data-testid=preview-rows]")
    assert page.inner_text("[data-testid=count-rows]") == "2"
    assert page.inner_text("[data-testid=count-completing]") == "1"
    page.click("button:has-text('确认导入')")
    page.wait_for_selector(".alert-success")
    assert "已导入2行考勤：新报名2人，结业1人。" in page.inner_text(".alert-success")
    row = page.locator("[data-testid=enrolment-row]", has_text="欧阳明华")
    assert "已结业" in row.inner_text() and "DX-001" in row.inner_text()
    assert CadreYearHours.objects.get(cadre=ouyang, year=today.year).hours == 90

    # The hours table counts both cadres of the unit, one of them reaching the 90 学时.
    page.goto(page.base_url + "/training/hours/")
    unit = page.locator("[data-testid=hours-row]", has_text="办公室")
    cells = unit.locator("td").all_inner_texts()
    assert cells[:5] == ["办公室", "2", "1", "1", "50%"] and cells[5] == "90"
    unit.locator("a:has-text('办公室')").click()
    first = page.locator("[data-testid=cadre-hours-row]").first
    assert "司马青" in first.inner_text() and "90" in first.inner_text()  # short by 90: listed first
