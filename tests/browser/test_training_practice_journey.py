"""实践锻炼 and 岗位交流 in a real browser: a placement from registration to its assessment; a rotation
planned for a candidate, dated today, carried out, and the cadre's record showing the new post."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cadre_office.accounts.roles import Role
from cadres.models import PostAssignment
from cadres.services.cadres import post_start
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user
from training.models import PracticePlacement, RotationPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def world(transactional_db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    staff = role_user(Role.PERSONNEL, username="renshi_p", first_name="人事干部甲", password=PASSWORD)
    today = timezone.localdate()
    young = CadreFactory(name="林晓雨", department=office)
    post_start(actor=staff, cadre=young, department=office, title="办公室副主任", level="52",
               start_date=today.replace(year=today.year - 1))
    veteran = CadreFactory(name="欧阳建国", department=finance)
    post_start(actor=staff, cadre=veteran, department=finance, title="财务科副科长", level="52",
               start_date=today.replace(year=today.year - 7))
    return {"staff": staff, "office": office, "finance": finance, "young": young, "veteran": veteran}


def test_staff_take_a_placement_from_registration_to_its_assessment(page, world):
    today = timezone.localdate()
    log_in(page, "renshi_p", PASSWORD)
    page.goto(page.base_url + reverse("training:placement_list"))
    page.click(".toolbar a:has-text('新增')")
    page.select_option("#id_cadre", value=str(world["young"].pk))
    page.select_option("#id_kind", label="基层实践锻炼")
    page.fill("#id_host", "城关街道办事处")
    page.fill("#id_role", "挂任街道办事处副主任")
    page.fill("#id_mentor", "街道党工委书记 陈立新")
    page.fill("#id_planned_start", f"{today - dt.timedelta(days=180):%Y-%m-%d}")
    page.fill("#id_planned_end", f"{today:%Y-%m-%d}")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    assert "实践锻炼已登记" in page.inner_text(".alert-success")
    assert "计划中" in page.inner_text("[data-testid=placement-state]")

    page.fill("#id_started_on", f"{today - dt.timedelta(days=180):%Y-%m-%d}")
    page.click("button:has-text('登记开始')")
    page.wait_for_selector(".alert-success")
    assert "锻炼中" in page.inner_text("[data-testid=placement-state]")

    page.select_option("#id_assessment", label="优秀")
    page.fill("#id_assessment_text", "扎根社区一线，群众工作能力明显提升。")
    page.click("button:has-text('办理期满')")
    page.wait_for_selector("[data-testid=assessment]")
    assert page.inner_text("[data-testid=assessment]") == "优秀"
    assert page.inner_text("[data-testid=ended-on]") == f"{today:%Y-%m-%d}"
    placement = PracticePlacement.objects.get()
    assert (placement.state, placement.assessment, placement.created_by) == ("ended", "excellent", world["staff"])


def test_staff_plan_a_rotation_for_a_candidate_carry_it_out_and_the_record_shows_the_new_post(page, world):
    today = timezone.localdate()
    log_in(page, "renshi_p", PASSWORD)
    page.goto(page.base_url + reverse("training:rotation_candidates"))
    row = page.locator("[data-testid=candidate-row]", has_text="欧阳建国")
    assert "7年" in row.inner_text() and "未制定" in row.inner_text()
    assert page.locator("[data-testid=candidate-row]", has_text="林晓雨").count() == 0  # one year in post
    row.locator("a:has-text('制定交流计划')").click()
    assert "财务科副科长" in page.inner_text("[data-testid=from-post]")
    page.select_option("#id_to_department", value=str(world["office"].pk))
    page.fill("#id_to_title", "综合科副科长")
    page.select_option("#id_to_level", label="乡科级副职")
    page.fill("#id_planned_date", f"{today:%Y-%m-%d}")
    page.fill("#id_document", "局党组〔2026〕21号")
    page.click("button:has-text('保存计划')")
    page.wait_for_selector("[data-testid=carry-out]")
    assert "岗位交流计划已制定" in page.inner_text(".alert-success")

    page.click("[data-testid=carry-out]")
    page.wait_for_selector(".alert-success")
    assert "已执行岗位交流" in page.inner_text(".alert-success")
    assert page.inner_text("[data-testid=done-on]") == f"{today:%Y-%m-%d}"
    plan = RotationPlan.objects.get()
    assert plan.state == "done"
    old = PostAssignment.objects.get(cadre=world["veteran"], title="财务科副科长")
    assert old.end_date == today - dt.timedelta(days=1)

    page.goto(page.base_url + reverse("cadres:cadre_detail", args=[world["veteran"].pk]))
    body = page.inner_text("main")
    assert "综合科副科长" in body
