"""Browser journey of the 职数 overview: personnel staff open it from the navigation on the demo bureau,
see 第一所 over its 副科 quota in red (its five section chiefs beside three deputies), keep only the
over-quota units, and open the list of who occupies those posts on the day.
"""

import os
from io import StringIO

import pytest
from django.core.management import call_command

from tests.browser.conftest import ARTIFACTS, assert_accessible, log_in
from tests.factories import role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def demo(transactional_db):
    from tests.selection.conftest import ensure_default_template

    ensure_default_template()  # a transactional test before this one emptied the migration's template
    call_command("seed_demo", stdout=StringIO())
    return role_user("人事干部", username="quota_staff", password=PASSWORD)


def test_personnel_staff_see_the_over_quota_unit_on_the_overview_and_who_fills_it(page, demo):
    log_in(page, "quota_staff", PASSWORD)
    page.get_by_role("link", name="职数情况").first.click()
    page.wait_for_load_state()
    table = page.get_by_test_id("quota-table")
    assert table.is_visible()
    over_row = page.locator("tr[data-over]")
    assert over_row.count() == 1
    assert "第一所" in over_row.inner_text() and "超编" in over_row.inner_text()
    assert over_row.locator("[data-testid=over]").inner_text() == "2"
    # The red is the page's, not only a word: the over-quota cell has the red background.
    color = over_row.locator("td.quota-over-cell").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(248, 215, 218)"
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "quota_overview.png"), full_page=True)
    assert_accessible(page)

    page.select_option("#id_show", "over")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    assert page.locator("[data-unit]").count() == 1 and page.get_by_test_id("result-count").inner_text() == "1"

    # 副科 实有 of 第一所 (the sixth cell: 正科 核定/实有/空缺/超编, 副科 核定, 实有) lists eight people.
    page.locator("tr[data-over] td").nth(6).get_by_role("link").click()
    page.wait_for_load_state()
    assert "第一所：副科领导职数的实有人员" in page.locator("h1").inner_text()
    assert page.get_by_test_id("result-count").inner_text() == "8"
    assert page.get_by_test_id("occupants-table").get_by_text("第一所综合科科长").count() == 1
