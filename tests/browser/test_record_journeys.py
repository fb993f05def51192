"""A cadre's record as the appointment form needs it, in a real browser: 简历, 家庭成员, 奖励, and the print."""

import datetime as dt

import pytest

from cadres.dates import MonthDate
from cadres.models import FamilyMember, ResumeEntry, Reward
from cadres.services import department_create, department_root, post_start
from oversight.models import DisciplineAction
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def staff(transactional_db):
    return role_user("人事干部", username="renshi_r", first_name="人事干部乙", password=PASSWORD)


@pytest.fixture
def cadre(staff, settings):
    settings.BUREAU_NAME = "区测试局"
    unit = department_create(actor=staff, name="法规科", parent=department_root(actor=staff))
    cadre = CadreFactory(name="欧阳明华", department=unit, birth_date=dt.date(1984, 3, 2))
    post_start(actor=staff, cadre=cadre, department=unit, title="法规科科员", level="", start_date=MonthDate(2010, 7))
    post_start(actor=staff, cadre=cadre, department=unit, title="法规科副科长", level="52",
               start_date=MonthDate(2018, 12))
    DisciplineAction.objects.create(cadre=cadre, kind="admonition", decided_on=dt.date(2016, 5, 10),
                                    effect_until=dt.date(2016, 11, 10))
    return cadre


def _open_tab(page, key):
    page.click(f"button[data-bs-target='#{key}']")
    page.locator(f"#{key}").wait_for(state="visible")


def test_add_a_resume_line_a_family_member_and_a_reward_and_read_them_as_the_form_writes_them(page, staff, cadre):
    log_in(page, "renshi_r", PASSWORD)
    page.goto(f"{page.base_url}/cadres/{cadre.pk}/")

    # 简历: the post history already speaks from 2010.07; the years before are entered.
    _open_tab(page, "resume")
    lines = page.locator("#resume [data-testid=resume-line]")
    assert lines.all_inner_texts() == ["2010.07--2018.12  区测试局法规科科员", "2018.12--至今  区测试局法规科副科长"]
    page.click("#resume a:has-text('新增简历')")
    assert "2010.07 起的各行取自“职务任职”记录" in page.inner_text("[data-testid=form-intro]")
    page.fill("#id_start_date", "2006.09")
    page.fill("#id_end_date", "2010.07")
    page.fill("#id_unit", "某某大学法学院")
    page.fill("#id_post", "学生")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    page.locator("#resume").wait_for(state="visible")  # back on the record, on the tab it came from
    assert lines.all_inner_texts() == [
        "2006.09--2010.07  某某大学法学院学生",
        "2010.07--2018.12  区测试局法规科科员",
        "2018.12--至今  区测试局法规科副科长",
    ]
    assert ResumeEntry.objects.get(cadre=cadre).history.get().history_user == staff

    # 家庭成员: each field in its box; 称谓 offers the usual ones.
    _open_tab(page, "family")
    page.click("#family a:has-text('新增家庭成员')")
    page.fill("#id_relation", "妻子")
    page.fill("#id_name", "李晓雨")
    page.fill("#id_birth_date", "1986.04")
    page.select_option("#id_political_status", label="中共党员")
    page.fill("#id_work_unit_and_post", "区人民医院护士")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    row = page.locator("#family [data-testid=family-row]")
    assert row.locator("td").all_inner_texts()[:5] == ["妻子", "李晓雨", "1986.04", "中共党员", "区人民医院护士"]
    assert FamilyMember.objects.get(cadre=cadre).name == "李晓雨"

    # 奖励, and the 奖惩情况 with the 诫勉 already on record, in date order.
    _open_tab(page, "oversight")
    assert page.inner_text("[data-testid=rewards-penalties-text]") == "2016.05 被诫勉"
    page.click("#oversight a:has-text('新增奖励')")
    page.select_option("#id_kind", label="荣誉称号")
    page.fill("#id_name", "区优秀公务员")
    page.select_option("#id_level", label="县级")
    page.fill("#id_granted_by", "中共某某区委、某某区人民政府")
    page.fill("#id_granted_on", "2019.12")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    page.locator("#oversight").wait_for(state="visible")
    assert page.locator("[data-testid=rewards-penalties-text] div").all_inner_texts() == [
        "2016.05 被诫勉", "2019.12 被评为区优秀公务员（县级）"]
    assert Reward.objects.get(cadre=cadre).granted_on_precision == "month"

    # Every change is in the history, by whom.
    _open_tab(page, "history")
    subjects = page.locator("#history tbody tr td:nth-child(3)").all_inner_texts()
    assert {"简历", "家庭成员", "奖励"} <= set(subjects)
    assert "人事干部乙" in page.inner_text("#history tbody tr >> nth=0")


def test_the_record_prints_as_one_clean_sheet(page, staff, cadre, tmp_path):
    FamilyMember.objects.create(cadre=cadre, relation="父亲", name="欧阳建国", work_unit_and_post="已退休")
    log_in(page, "renshi_r", PASSWORD)
    page.goto(f"{page.base_url}/cadres/{cadre.pk}/")
    assert page.locator("[data-print]").is_visible()
    assert not page.locator("#family").is_visible()  # on screen, one tab at a time

    page.emulate_media(media="print")
    # Every tab's pane shows, under its heading, with the 简历 and 奖惩情况 as the form writes them.
    for key in ("basic", "education", "posts", "ranks", "resume", "oversight", "family"):
        assert page.locator(f"#{key}").is_visible(), key
        assert page.locator(f"#{key} .print-heading").is_visible(), key
    assert page.locator("#resume [data-testid=resume-text]").is_visible()
    assert "欧阳建国" in page.inner_text("#family")
    # No navigation, buttons, tab headers, edit links or change history; the bureau and the date on top.
    for selector in (".topbar", ".sidenav", ".record-tabs", ".breadcrumb", "#history", "[data-print]",
                     "a:has-text('修改基本信息')", "a:has-text('新增家庭成员')", "td.actions",
                     "[data-testid=resume-table]"):
        assert all(not element.is_visible() for element in page.locator(selector).all()), selector
    assert "区测试局 · 干部档案 · 打印日期" in page.inner_text(".print-caption")
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)

    page.emulate_media(media="screen")
    assert page.locator(".record-tabs").is_visible() and not page.locator("#family").is_visible()
