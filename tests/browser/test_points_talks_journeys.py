"""积分 and 谈心 in a real browser: personnel staff approve an entry someone else entered; record a due talk."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cadre_office.accounts.roles import Role
from oversight.models import PointEntry, PointRule, Talk
from oversight.services import point_entry_create, talk_raise
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


@pytest.fixture
def world(transactional_db):
    office = DepartmentFactory(name="办公室")
    head = role_user(Role.DEPARTMENT_HEAD, username="keshi_j", first_name="办公室主任", departments=[office],
                     password=PASSWORD)
    staff = role_user(Role.PERSONNEL, username="renshi_j", first_name="人事干部甲", password=PASSWORD)
    leader = role_user(Role.LEADER, username="lingdao_j", first_name="王局长", password=PASSWORD)
    # live_server tests flush the database (the seeded table may be gone): the journey brings its own rule.
    rule, _ = PointRule.objects.update_or_create(name="获得县级以上表彰", defaults={
        "category": "bonus", "points": Decimal(5), "yearly_cap": Decimal(10), "validity_months": 24,
        "evidence_required": True, "evidence_hint": "表彰文件文号", "reviewer_role": Role.PERSONNEL, "active": True})
    cadre = CadreFactory(name="欧阳明华", department=office, current_level="52")
    entry = point_entry_create(actor=head, cadre=cadre, rule=rule, occurred_on=timezone.localdate(),
                               evidence="区委〔2026〕12号")
    due = talk_raise(actor=staff, cadre=cadre, kind="appointment", due_on=timezone.localdate() + dt.timedelta(days=20),
                     reason="任办公室副主任", source="journey:1")
    return {"staff": staff, "leader": leader, "cadre": cadre, "entry": entry, "due": due}


def test_personnel_staff_approve_an_entry_entered_by_a_department_head(page, world):
    log_in(page, "renshi_j", PASSWORD)
    page.goto(page.base_url + "/oversight/points/review/")
    row = page.locator("[data-testid=entry-row]", has_text="欧阳明华")
    assert "获得县级以上表彰" in row.inner_text() and "+5" in row.inner_text()
    row.locator("input[name=note]").fill("与表彰文件核对一致")
    row.locator("button[value=approve]").click()
    page.wait_for_selector(".alert-success")
    assert "已审核通过" in page.inner_text(".alert-success")
    assert page.locator("[data-testid=entry-row]").count() == 0  # the queue is empty now
    entry = PointEntry.objects.get(pk=world["entry"].pk)
    assert (entry.state, entry.reviewed_by, entry.review_note) == ("approved", world["staff"], "与表彰文件核对一致")

    # The ranking counts it.
    page.goto(page.base_url + "/oversight/points/ranking/")
    first = page.locator("[data-testid=ranking-row]").first
    assert "欧阳明华" in first.inner_text() and "5" in first.inner_text()


def test_personnel_staff_record_a_due_appointment_talk_with_a_follow_up(page, world):
    log_in(page, "renshi_j", PASSWORD)
    page.goto(page.base_url + "/oversight/talks/?due=due")
    row = page.locator("[data-testid=talk-row]", has_text="欧阳明华")
    assert "任职谈话" in row.inner_text()
    row.locator("a:has-text('记录谈话')").click()
    page.select_option("#id_talker", label="王局长")
    page.fill("#id_place", "局党组书记办公室")
    page.fill("#id_praise", "政治立场坚定，工作扎实")
    page.fill("#id_shortcomings", "统筹协调经验不足")
    page.fill("#id_requirements", "尽快熟悉新岗位，廉洁履职")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".alert-success")
    assert "谈话记录已保存" in page.inner_text(".alert-success")
    assert page.inner_text("[data-testid=held-on]") == f"{timezone.localdate():%Y-%m-%d}"

    page.fill("#id_item", "一个月内提交任职工作思路")
    page.fill("#id_due_on", f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}")
    page.click("button:has-text('添加跟踪事项')")
    page.wait_for_selector("[data-testid=followup-table]")
    talk = Talk.objects.get(pk=world["due"].pk)
    assert (talk.state, talk.talker, talk.recorded_by) == ("held", world["leader"], world["staff"])
    assert talk.follow_ups.get().item == "一个月内提交任职工作思路"
