"""Browser journey of the selection workflow: staff submit step 2, a leader approves it from the inbox."""

import pytest

from selection import services
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user
from tests.selection.conftest import ensure_default_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xuanba-pass-2026"


def test_staff_submit_step_2_and_the_leader_approves_it_from_the_inbox(page):
    ensure_default_template()
    staff = role_user("人事干部", username="renshi_x", first_name="王人事", password=PASSWORD)
    role_user("局领导", username="lingdao_x", first_name="李局长", password=PASSWORD)
    department = DepartmentFactory(name="法规科")
    case = services.case_create(actor=staff, title="法规科科长选拔", department=department, post_title="法规科科长",
                                level="51", method="competitive",
                                cadres=[CadreFactory(name="赵一", department=department), CadreFactory(name="钱二")])
    services.step_submit(actor=staff, case=case, number=1, opinion="研判完毕")

    # Personnel staff open the case and submit step 2 (a gate) with an opinion.
    log_in(page, "renshi_x", PASSWORD)
    page.goto(f"{page.base_url}/selection/")
    page.click("a:has-text('法规科科长选拔')")
    page.wait_for_selector("[data-testid=timeline]")
    form = page.locator("[data-testid=submit-form]")
    form.locator("textarea[name=opinion]").fill("拟启动法规科科长选拔")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=待审批")
    page.click("button:has-text('退出')")

    # The leader finds it in the inbox (with the count in the navigation) and approves it with an opinion.
    log_in(page, "lingdao_x", PASSWORD)
    assert page.inner_text("[data-testid=inbox-count]") == "1"
    page.click("nav a:has-text('待我审批')")
    row = page.locator("tbody tr", has_text="法规科科长选拔")
    assert "第2步 提出动议" in row.inner_text() and "王人事" in row.inner_text()
    row.locator("a:has-text('去审批')").click()
    decide = page.locator("[data-testid=decide-form]")
    decide.locator("textarea[name=opinion]").fill("同意启动")
    decide.locator("button[value=approve]").click()
    page.wait_for_load_state()

    timeline = page.inner_text("[data-testid=timeline]")
    assert "李局长" in timeline and "同意" in timeline and "同意启动" in timeline
    assert "王人事" in timeline and "拟启动法规科科长选拔" in timeline
    case.refresh_from_db()
    assert case.current_step == 3
    step = case.steps.get(number=2)
    assert (step.state, step.decided_by.username, step.submitted_by.username) == ("done", "lingdao_x", "renshi_x")
    assert page.locator("[data-testid=inbox-count]").count() == 0
