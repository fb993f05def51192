"""Personnel staff's first journeys through the roster, in a real browser."""

import datetime as dt

import pytest

from cadres.models import Cadre
from cadres.services import post_start
from tests.browser.conftest import log_in
from tests.cadres.workbooks import build_roster, valid_rows
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def staff(transactional_db):
    return role_user("人事干部", username="renshi_t", first_name="人事干部甲", password=PASSWORD)


def test_find_a_cadre_edit_a_field_and_see_it_in_the_history(page, staff):
    department = DepartmentFactory(name="法规科")
    cadre = CadreFactory(name="欧阳明华", department=department, health="健康")
    post_start(actor=staff, cadre=cadre, department=department, title="法规科科长", level="51",
               start_date=dt.date(2021, 3, 1))
    CadreFactory(name="李其他", department=department)

    log_in(page, "renshi_t", PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"  # the landing page: the to-do desk
    page.click("nav a:has-text('干部花名册')")
    page.wait_for_url("**/cadres/")
    assert page.locator("h1").inner_text() == "干部花名册"
    page.fill("input[name=q]", "明华")
    page.click("button:has-text('查询')")
    page.wait_for_selector("[data-testid=result-count]:text-is('1')")
    page.click("a:has-text('欧阳明华')")
    page.wait_for_selector("h1:has-text('欧阳明华')")
    assert "法规科科长" in page.inner_text(".record-header")

    page.click("a:has-text('修改基本信息')")
    page.fill("#id_health", "良好")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    page.click("button[data-bs-target='#history']")
    history = page.locator("#history")
    history.wait_for(state="visible")
    first_row = history.locator("tbody tr").first
    assert "人事干部甲" in first_row.inner_text()
    assert "健康状况" in first_row.inner_text() and "良好" in first_row.inner_text()
    assert Cadre.objects.get(pk=cadre.pk).health == "良好"


def test_upload_a_roster_see_the_preview_and_confirm(page, staff, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(build_roster(valid_rows(12)))

    log_in(page, "renshi_t", PASSWORD)
    page.click("nav a:has-text('导入花名册')")
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('上传并预览')")
    page.wait_for_selector("[data-testid=count-new]")
    assert page.inner_text("[data-testid=count-new]") == "12"
    assert page.inner_text("[data-testid=count-errors]") == "0"
    assert Cadre.objects.count() == 0  # nothing written before confirming

    page.click("button:has-text('确认导入')")
    page.wait_for_selector(".alert-success")
    assert "新增 12 人" in page.inner_text(".alert-success")
    assert Cadre.objects.count() == 12
    assert page.inner_text("[data-testid=result-count]") == "12"


def test_an_invalid_upload_lists_the_bad_rows_and_writes_nothing(page, staff, tmp_path):
    rows = valid_rows(3)
    rows[1]["身份证号"] = rows[1]["身份证号"][:17] + ("1" if rows[1]["身份证号"][17] != "1" else "2")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(build_roster(rows))

    log_in(page, "renshi_t", PASSWORD)
    page.goto(page.base_url + "/cadres/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("button:has-text('上传并预览')")
    errors = page.locator("#import-errors")
    errors.wait_for()
    assert "第3行" in errors.inner_text() and "校验位错误" in errors.inner_text()
    assert Cadre.objects.count() == 0


def test_a_large_upload_is_previewed_and_imported_by_jobs_the_page_follows(page, staff, tmp_path, settings):
    """Issue 10 item 7: the preview of a large workbook and every import run as jobs; the page shows progress.

    The jobs' messages are held back (their ``delay`` is replaced), so the test runs each job itself, at
    the moment it chooses, while the browser polls the progress every second.
    """
    from unittest import mock

    from cadre_office.jobs import ProgressReporter
    from cadres import messages, services, tasks
    from cadres.models import RosterImport
    from cadres.services.roster_uploads import PROGRESS

    settings.ROSTER_SYNC_PREVIEW_ROWS = 5
    path = tmp_path / "大花名册.xlsx"
    path.write_bytes(build_roster(valid_rows(8)))

    with mock.patch.object(tasks.preview_roster_upload, "delay") as preview_sent, \
            mock.patch.object(tasks.apply_roster_upload, "delay") as apply_sent:
        log_in(page, "renshi_t", PASSWORD)
        page.goto(page.base_url + "/cadres/import/")
        page.set_input_files("input[type=file]", str(path))
        page.click("button:has-text('上传并预览')")
        status = page.locator("[data-testid=import-status][data-state=previewing]")
        status.wait_for()
        assert "正在生成预览" in status.inner_text()
        record = RosterImport.objects.get()
        preview_sent.assert_called_once_with(record.pk)

        report = ProgressReporter(PROGRESS, record.pk)
        report.step("读取工作簿", 9)
        report._write(4, 9)
        page.wait_for_selector("[data-testid=import-status]:has-text('4 / 9')")
        services.roster_upload_preview(import_id=record.pk)  # the job
        page.wait_for_selector("[data-testid=count-new]:text-is('8')")  # the poll reloads the page
        assert messages.IMPORT_TTL_NOTICE.format(hours=24) in page.inner_text("[data-testid=ttl-notice]")

        page.click("button:has-text('确认导入')")
        page.wait_for_selector("[data-testid=import-status][data-state=queued]")
        apply_sent.assert_called_once_with(record.pk)
        assert Cadre.objects.count() == 0
        services.roster_import_apply(import_id=record.pk)  # the job
        page.wait_for_selector("[data-testid=import-done]")  # the poll reloads the page with the result
    assert page.locator(".alert-success").count() == 1
    assert "导入完成：新增 8 人" in page.inner_text("[data-testid=import-done]")
    page.click("[data-testid=import-done] a:has-text('查看干部花名册')")
    page.wait_for_selector("[data-testid=result-count]:text-is('8')")
    assert Cadre.objects.count() == 8


def test_the_roster_reads_as_offices_read_it_finds_by_initials_and_keeps_its_header_in_view(page, staff):
    """Unit in the tree's order, then 正职, 副职, the rest; pinyin initials find a name; the header stays."""
    second, tenth = DepartmentFactory(name="二科", sort_order=2), DepartmentFactory(name="十科", sort_order=10)
    post_start(actor=staff, cadre=CadreFactory(name="十科科长", department=tenth), department=tenth, title="科长",
               level="51", start_date=dt.date(2020, 1, 1))
    CadreFactory(name="二科科员", department=second)
    post_start(actor=staff, cadre=CadreFactory(name="二科副科长", department=second), department=second,
               title="副科长", level="52", start_date=dt.date(2021, 1, 1))
    post_start(actor=staff, cadre=CadreFactory(name="张晓明", department=second), department=second, title="科长",
               level="51", start_date=dt.date(2019, 1, 1))
    for n in range(60):  # enough rows for the list to scroll
        CadreFactory(name=f"十科干部{n:02d}", department=tenth)

    log_in(page, "renshi_t", PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"  # the landing page: the to-do desk
    page.click("nav a:has-text('干部花名册')")
    page.wait_for_url("**/cadres/")
    page.select_option("select[name=per_page]", "100")
    page.wait_for_selector("[data-testid=result-count]:text-is('64')")
    names = page.locator(".roster-table tbody tr td:nth-child(2)").all_inner_texts()
    assert names[:4] == ["张晓明", "二科副科长", "二科科员", "十科科长"]

    box = page.locator("[data-testid=roster-scroll]")
    header = page.locator(".roster-table thead th").first
    top_before = header.bounding_box()["y"]
    box.evaluate("el => el.scrollTop = 1200")
    page.wait_for_function("document.querySelector('[data-testid=roster-scroll]').scrollTop > 1000")
    assert abs(header.bounding_box()["y"] - top_before) < 2  # still at the top of the box, in view
    assert header.is_visible()

    page.fill("input[name=q]", "zxm")
    page.click("button:has-text('查询')")
    page.wait_for_selector("[data-testid=result-count]:text-is('1')")
    assert page.locator(".roster-table tbody tr td:nth-child(2)").all_inner_texts() == ["张晓明"]
