"""Browser journeys of access control: a department head's narrow view, a leader's read-only one."""

import pytest

from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Keshi-pass-2026"


@pytest.fixture
def bureau(transactional_db):
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    finance = DepartmentFactory(name="财务科")
    own = [CadreFactory(department=office, name="办公甲"), CadreFactory(department=archive, name="档案乙")]
    other = [CadreFactory(department=finance, name="财务丙"), CadreFactory(department=finance, name="财务丁"),
             CadreFactory(department=finance, name="财务戊")]
    return {"office": office, "finance": finance, "own": own, "other": other}


def test_a_department_head_sees_only_their_department(page, bureau):
    role_user("科室负责人", username="keshi_t", first_name="办公室主任", departments=[bureau["office"]],
              password=PASSWORD)
    log_in(page, "keshi_t", PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"  # the landing page: the to-do desk
    page.click("nav a:has-text('干部花名册')")
    page.wait_for_url("**/cadres/")

    assert page.locator("h1").inner_text() == "干部花名册"
    assert page.inner_text("[data-testid=result-count]") == "2"
    table = page.inner_text("table")
    assert "办公甲" in table and "档案乙" in table and "财务" not in table
    options = page.locator("select[name=department] option").all_inner_texts()
    assert any("办公室" in o for o in options) and not any("财务科" in o for o in options)
    assert page.locator("nav a:has-text('新增干部')").count() == 0

    # Searching for another department's cadre finds nobody.
    page.fill("input[name=q]", "财务丙")
    page.click("button:has-text('查询')")
    page.wait_for_selector("[data-testid=result-count]:text-is('0')")

    # Typing another department's record address gives "not found", not the record.
    response = page.goto(f"{page.base_url}/cadres/{bureau['other'][0].pk}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.inner_text("main")
    assert "财务丙" not in page.content()


def test_a_leader_reads_the_roster_but_cannot_edit_it(page, bureau):
    role_user("局领导", username="lingdao_t", first_name="局长", password=PASSWORD)
    log_in(page, "lingdao_t", PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"  # the landing page: the to-do desk
    page.click("nav a:has-text('干部花名册')")
    page.wait_for_url("**/cadres/")

    assert page.inner_text("[data-testid=result-count]") == "5"
    assert page.locator("nav a:has-text('新增干部')").count() == 0
    assert page.locator("nav a:has-text('导入花名册')").count() == 0
    page.click("a:has-text('财务丙')")
    page.wait_for_selector("h1:has-text('财务丙')")
    assert page.locator("a:has-text('修改基本信息')").count() == 0
    assert page.locator("text=查看完整号码").count() == 0
    cadre = bureau["other"][0]
    assert cadre.id_number not in page.content()

    response = page.goto(f"{page.base_url}/cadres/{cadre.pk}/edit/")
    assert response.status == 403
    assert "无权访问" in page.inner_text("main")
