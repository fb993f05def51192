"""Browser journey of 平时考核: a department head (科室负责人) opens their unit's grid of the quarter due from
the navigation, grades every cadre and submits; personnel staff find it awaiting confirmation and confirm it,
after which the grid is locked.
"""

import os

import pytest
from django.utils import timezone

from oversight.models import QuarterlyReview
from oversight.selectors_inspection import quarter_due
from tests.browser.conftest import ARTIFACTS, assert_accessible, log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Keshi-pass-2026"


@pytest.fixture
def office(transactional_db):
    office = DepartmentFactory(name="办公室")
    other = DepartmentFactory(name="财务科")
    for name in ("王一", "李二", "张三"):
        CadreFactory(department=office, name=name)
    CadreFactory(department=other, name="钱五")
    role_user("科室负责人", username="keshi_b", first_name="办公室主任", password=PASSWORD, departments=[office])
    role_user("人事干部", username="renshi_b", first_name="人事干部", password=PASSWORD)
    return office


def test_a_head_fills_and_submits_the_quarters_grid_and_personnel_confirm_it(page, office):
    year, quarter = quarter_due(timezone.localdate())
    log_in(page, "keshi_b", PASSWORD)
    page.get_by_role("link", name="平时考核").first.click()
    page.wait_for_load_state()
    rows = page.locator("[data-testid=quarterly-overview] tbody tr")
    assert rows.count() == 1 and "办公室" in rows.inner_text()  # 财务科 is not theirs
    assert_accessible(page)
    rows.get_by_role("link", name="填报").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("grid-state").inner_text() == "未填报"
    for name, grade in (("王一", "好"), ("李二", "较好"), ("张三", "较差")):
        page.get_by_label(f"{name}的等次").select_option(label=grade)
    page.get_by_label("张三的备注").fill("多次无故迟到")
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "quarterly_grid_head.png"), full_page=True)
    assert_accessible(page)
    page.get_by_test_id("submit-grid").click()
    page.wait_for_load_state()
    assert "已提交，等待人事干部确认" in page.locator(".alert").first.inner_text()
    assert page.get_by_test_id("grid-state").inner_text() == "已提交，待确认"
    assert page.locator("select").count() == 0  # no longer editable by the head

    page.context.clear_cookies()
    log_in(page, "renshi_b", PASSWORD)
    page.goto(f"{page.base_url}/oversight/quarterly/?year={year}&quarter={quarter}&state=submitted")
    row = page.locator("[data-testid=quarterly-overview] tbody tr")
    assert row.count() == 1 and "已提交，待确认" in row.inner_text()
    row.get_by_role("link", name="审核确认").click()
    page.wait_for_load_state()
    assert page.locator("tr[data-cadre=张三]").get_by_role("combobox").input_value() == "poor"
    page.get_by_test_id("confirm-grid").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("grid-state").inner_text() == "已确认"
    assert "已确认并锁定" in page.content()
    page.screenshot(path=os.path.join(ARTIFACTS, "quarterly_grid_confirmed.png"), full_page=True)
    review = QuarterlyReview.objects.get()
    assert review.state == "confirmed" and review.submitted_by.username == "keshi_b"
    assert review.confirmed_by.username == "renshi_b"
