"""个人培养计划 in a real browser: personnel staff write a pool member's plan (a gap prefilled from a 考察
shortcoming, a goal, an item linked to a programme), start it, record its first review; the cadre's record
page shows the plan and the review on its 培养 tab."""

import datetime as dt

import pytest
from django.utils import timezone

from cadre_office.accounts.roles import Role
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user
from tests.training.factories_plans import PoolMemberFactory, ProgrammeFactory, shortcoming
from training.models import DevelopmentPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def world(transactional_db):
    office = DepartmentFactory(name="办公室")
    staff = role_user(Role.PERSONNEL, username="renshi_p", first_name="人事干部甲", password=PASSWORD)
    cadre = CadreFactory(name="欧阳明华", department=office)
    member = PoolMemberFactory(cadre=cadre, entered_on=dt.date(2026, 3, 15))
    found = shortcoming(cadre, "统筹协调能力有待提高")
    mentor = CadreFactory(name="李建国", department=office, current_level="51")
    year = timezone.localdate().year
    programme = ProgrammeFactory(name="全区中青年干部培训班", start_date=dt.date(year, 1, 5),
                                 end_date=dt.date(year, 1, 25), created_by=staff)
    return {"staff": staff, "cadre": cadre, "member": member, "shortcoming": found, "mentor": mentor,
            "programme": programme}


def test_staff_write_a_plan_start_it_and_record_its_first_review(page, world):
    log_in(page, "renshi_p", PASSWORD)
    page.goto(page.base_url + "/training/plans/?plan=none")
    row = page.locator("[data-testid=plan-row]", has_text="欧阳明华")
    row.locator("[data-testid=plan-create]").click()

    # The 考察 shortcoming is offered, ticked.
    choice = page.locator("[data-testid=shortcoming-choices] input[type=checkbox]")
    assert choice.count() == 1 and choice.is_checked()
    page.fill("#id_direction", "综合管理")
    page.select_option("#id_mentor", label="李建国（办公室）")
    page.fill("#id_mentor_note", "每季度谈心一次，指导重要文稿起草")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    assert "统筹协调能力有待提高" in page.inner_text("[data-testid=gap-table]")

    page.click("a:has-text('新增目标')")
    page.fill("#id_text", "具备胜任科室副职岗位的能力")
    page.fill("#id_due_year", str(timezone.localdate().year + 1))
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=goal-row]")

    page.click("a:has-text('新增安排')")
    page.select_option("#id_kind", label="理论培训")
    page.fill("#id_title", "参加全区中青年干部培训班")
    page.select_option("#id_gap", index=1)
    page.select_option("#id_programme", label=f"全区中青年干部培训班（{timezone.localdate().year}-01-05至"
                                              f"{timezone.localdate().year}-01-25，60学时）")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=item-row]")
    item = page.inner_text("[data-testid=item-row]")
    assert "全区中青年干部培训班" in item and "统筹协调能力有待提高" in item and "未完成" in item

    page.click("[data-testid=plan-activate]")
    page.wait_for_selector(".alert-success")
    assert "培养计划已启动实施" in page.inner_text(".alert-success")

    page.click("[data-testid=plan-review]")
    page.select_option("#id_rating", label="好")
    page.fill("#id_progress", "按计划参加培训，综合协调能力有提高")
    page.fill("#id_next_steps", "安排到基层一线锻炼")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=review-row]")
    assert "按计划参加培训" in page.inner_text("[data-testid=review-row]")
    plan = DevelopmentPlan.objects.get(member=world["member"])
    assert (plan.state, plan.mentor, plan.reviews.get().reviewer) == ("active", world["mentor"], world["staff"])

    # The cadre's record page: the 培养 tab shows the plan and its review.
    page.goto(page.base_url + f"/cadres/{world['cadre'].pk}/")
    page.click("button[data-bs-target='#training']")
    tab = page.locator("[data-testid=cultivation-tab]")
    tab.wait_for()
    text = tab.inner_text()
    assert "综合管理" in text and "实施中" in text and "导师：李建国" in text
    assert "按计划参加培训，综合协调能力有提高" in text and "0/1" in text  # the programme not yet completed
