"""Browser journeys of the selection workflow (issue 11: faults 1, 2 and 4).

- Staff start a case, picking its candidates: the unit's cadres listed as soon as the unit is chosen,
  found by pinyin initials, added and removed (htmx), and again with JavaScript off (a plain form post).
- Staff submit step 2 with its records missing (confirmed with a reason) and land back on the step;
  the leader finds it in 待我审批 and returns it; staff find it 已退回 with the reason on the case list
  and on 待办, correct it, and the leader approves it.

With SAVE_SCREENSHOTS=1 the new-case page, the case page and the 待办 page are saved in test-artifacts/.
"""

import datetime as dt
import os

import pytest

from cadres.codes import PersonnelStatus
from selection import services
from selection.models import SelectionCase
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, role_user
from tests.selection.conftest import MISSING_REASON, ensure_default_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xuanba-pass-2026"


def shot(page, name: str) -> None:
    """Save what a 1366×768 screen shows now (SAVE_SCREENSHOTS=1)."""
    if os.environ.get("SAVE_SCREENSHOTS"):
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.wait_for_timeout(800)  # past Bootstrap's smooth scrolling to the anchor
        page.screenshot(path=os.path.join(ARTIFACTS, f"selection-{name}.png"))


def assert_in_view(page, selector: str) -> None:
    """The element is on the screen as the page opened, below the sticky top bar (48 px) and above the fold."""
    page.wait_for_timeout(800)  # past Bootstrap's smooth scrolling to the anchor
    box = page.locator(selector).bounding_box()
    assert box is not None and box["y"] >= 48 and box["y"] + box["height"] <= 768, box


@pytest.fixture
def bureau(db):
    ensure_default_template()
    staff = role_user("人事干部", username="renshi_x", first_name="王人事", password=PASSWORD)
    leader = role_user("局领导", username="lingdao_x", first_name="李局长", password=PASSWORD)
    legal = DepartmentFactory(name="法规科")
    office = DepartmentFactory(name="办公室")
    zhang = CadreFactory(name="张伟", department=legal, current_post_title="法规科科员", current_rank="08",
                         birth_date=dt.date(1987, 7, 14))
    EducationFactory(cadre=zhang, level="21")
    CadreFactory(name="赵敏", department=legal, current_post_title="法规科科员", birth_date=dt.date(1990, 3, 2))
    CadreFactory(name="张退休", department=legal, status=PersonnelStatus.RETIRED)
    CadreFactory(name="周文", department=office, current_post_title="办公室科员")
    return {"staff": staff, "leader": leader, "legal": legal, "office": office, "zhang": zhang}


def test_staff_pick_the_candidates_of_a_new_case(page, bureau):
    log_in(page, "renshi_x", PASSWORD)
    page.goto(f"{page.base_url}/selection/new/")
    page.fill("#id_title", "法规科副科长选拔")
    page.select_option("#id_department", str(bureau["legal"].pk))
    results = page.locator("[data-testid=results]")
    results.wait_for()
    assert "张伟" in results.inner_text() and "赵敏" in results.inner_text()
    assert "张退休" not in page.inner_text("#picker-lists") and "周文" not in results.inner_text()

    page.fill("#id_candidate_q", "zw")  # 张伟 by initials; 周文 too, after the unit's own
    page.wait_for_function("() => document.querySelector('[data-testid=results]').innerText.includes('周文')")
    rows = results.locator("tbody tr")
    assert rows.nth(0).inner_text().startswith("张伟") and "周文" in rows.nth(1).inner_text()
    assert "1987.07" in rows.nth(0).inner_text() and "大学本科毕业" in rows.nth(0).inner_text()
    shot(page, "new-case-search")
    rows.nth(0).locator("button:has-text('添加')").click()
    page.wait_for_function("() => document.querySelector('[data-testid=chosen]').innerText.includes('张伟')")
    page.locator("[data-testid=results] button:has-text('添加')").first.click()
    page.wait_for_function("() => document.querySelector('[data-testid=chosen-count]').innerText === '2'")
    page.locator("[data-testid=chosen] button:has-text('移除')").nth(1).click()  # 周文 after all
    page.wait_for_function("() => document.querySelector('[data-testid=chosen-count]').innerText === '1'")
    page.fill("#id_candidate_q", "赵")
    page.wait_for_function("() => document.querySelector('[data-testid=results]').innerText.includes('赵敏')")
    page.locator("[data-testid=results] button:has-text('添加')").first.click()
    page.wait_for_function("() => document.querySelector('[data-testid=chosen-count]').innerText === '2'")
    shot(page, "new-case")

    page.fill("#id_post_title", "法规科副科长")
    page.select_option("#id_level", "52")
    page.click("[data-testid=create]")
    page.wait_for_selector("[data-testid=candidates]")
    table = page.inner_text("[data-testid=candidates]")
    assert "1\t张伟" in table and "2\t赵敏" in table  # 人选编号 in the order chosen
    assert "1987.07" in table and "二级主任科员" in table and "大学本科毕业" in table
    page.click("[data-testid=candidate-link]:has-text('张伟')")
    page.wait_for_selector("text=法规科科员")
    assert f"/cadres/{bureau['zhang'].pk}/" in page.url


def test_the_picker_works_without_javascript(browser, live_server, bureau):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        log_in(page, "renshi_x", PASSWORD)
        page.goto(f"{page.base_url}/selection/new/")
        page.fill("#id_title", "法规科副科长选拔")
        page.select_option("#id_department", str(bureau["legal"].pk))
        page.fill("#id_post_title", "法规科副科长")
        page.fill("#id_candidate_q", "zhangwei")
        page.click("[data-testid=picker-search]")
        page.wait_for_selector("[data-testid=results]")
        page.locator("[data-testid=results] button:has-text('添加')").first.click()
        page.wait_for_selector("[data-testid=chosen] >> text=张伟")
        assert page.input_value("#id_title") == "法规科副科长选拔"  # what was typed came back with the page
        page.click("[data-testid=create]")
        page.wait_for_selector("[data-testid=candidates]")
        assert "张伟" in page.inner_text("[data-testid=candidates]")
    finally:
        context.close()
    assert SelectionCase.objects.get().candidates.get().cadre == bureau["zhang"]


def test_a_step_is_submitted_without_its_records_returned_with_a_reason_and_found_on_the_todo_list(page, bureau):
    staff = bureau["staff"]
    case = services.case_create(actor=staff, title="法规科科长选拔", department=bureau["legal"],
                                post_title="法规科科长", level="51", method="competitive",
                                cadres=[bureau["zhang"], CadreFactory(name="钱二", department=bureau["office"])])
    services.step_submit(actor=staff, case=case, number=1, opinion="研判完毕", missing_reason=MISSING_REASON)

    # Staff submit step 2: without a reason for the missing records it is refused beside the step.
    log_in(page, "renshi_x", PASSWORD)
    page.goto(f"{page.base_url}/selection/")
    page.click("a:has-text('法规科科长选拔')")
    form = page.locator("[data-testid=submit-form]")
    assert "动议材料、初步建议" in page.inner_text("[data-testid=step-2] [data-testid=missing-materials]")
    page.locator("[data-testid=step-2]").scroll_into_view_if_needed()
    shot(page, "case-missing-materials")
    form.locator("textarea[name=opinion]").fill("拟启动法规科科长选拔")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=step-2] [data-testid=submit-errors]")
    assert page.url.endswith("#step-2")
    assert "请填写缺少材料的原因" in page.inner_text("[data-testid=step-2] [data-testid=submit-errors]")
    form = page.locator("[data-testid=submit-form]")
    form.locator("textarea[name=missing_reason]").fill("动议材料待局长签批后补传")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=step-2] [data-testid=step-message]")
    assert page.url.endswith("#step-2")
    assert "第2步已提交，等待审批" in page.inner_text("[data-testid=step-2]")
    assert_in_view(page, "[data-testid=step-2] [data-testid=step-message]")
    assert "缺少材料：动议材料、初步建议；原因：动议材料待局长签批后补传" in page.inner_text("[data-testid=step-2]")
    page.click("button:has-text('退出')")

    # The leader finds it in 待我审批 and returns it with a reason.
    log_in(page, "lingdao_x", PASSWORD)
    assert page.inner_text("[data-testid=inbox-count]") == "1"
    page.click("nav a:has-text('待我审批')")
    row = page.locator("tbody tr", has_text="法规科科长选拔")
    assert "第2步 提出动议" in row.inner_text() and "王人事" in row.inner_text()
    row.locator("a:has-text('去审批')").click()
    decide = page.locator("[data-testid=decide-form]")
    decide.locator("textarea[name=opinion]").fill("请补充岗位空缺情况说明")
    decide.locator("button[value=return]").click()
    page.wait_for_selector("[data-testid=step-2] [data-testid=step-message]")
    assert "已退回第2步" in page.inner_text("[data-testid=step-2]")
    assert_in_view(page, "[data-testid=step-2] [data-testid=step-message]")
    page.click("button:has-text('退出')")

    # Staff see it 已退回 with the reason on the case list and on 待办 (with its count in the navigation).
    log_in(page, "renshi_x", PASSWORD)
    page.goto(f"{page.base_url}/selection/")
    assert "退回意见：请补充岗位空缺情况说明" in page.inner_text("[data-testid=return-reason]")
    assert page.inner_text("[data-testid=todo-count]") == "1"
    page.click("nav a:has-text('待办')")
    returned = page.locator("[data-testid=returned] tbody tr")
    assert "请补充岗位空缺情况说明" in returned.inner_text() and "李局长" in returned.inner_text()
    shot(page, "todos")
    returned.locator("a:has-text('去修改')").click()
    page.wait_for_selector("[data-testid=returned-banner]")
    assert "请补充岗位空缺情况说明" in page.inner_text("[data-testid=returned-banner]")
    shot(page, "case-returned")
    page.goto(f"{page.base_url}/selection/{case.pk}/")
    shot(page, "case-top")
    form = page.locator("[data-testid=submit-form]")
    form.locator("textarea[name=opinion]").fill("已补充岗位空缺情况说明")
    form.locator("textarea[name=missing_reason]").fill("说明已附在动议材料中，待签批后补传")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=step-2] [data-testid=step-message]")
    page.click("button:has-text('退出')")

    # The leader approves it, confirming the records still missing.
    log_in(page, "lingdao_x", PASSWORD)
    page.goto(f"{page.base_url}/selection/{case.pk}/#step-2")
    decide = page.locator("[data-testid=decide-form]")
    decide.locator("textarea[name=opinion]").fill("同意启动")
    decide.locator("textarea[name=missing_reason]").fill("材料会后补交")
    decide.locator("button[value=approve]").click()
    page.wait_for_selector("[data-testid=step-2] [data-testid=step-message]")
    assert "已同意第2步" in page.inner_text("[data-testid=step-2]")
    timeline = page.inner_text("[data-testid=timeline]")
    assert "李局长" in timeline and "同意启动" in timeline and "材料会后补交" in timeline
    case.refresh_from_db()
    assert case.current_step == 3
    assert page.locator("[data-testid=inbox-count]").count() == 0
