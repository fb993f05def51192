"""Browser journey of 动态管理: from the 工作台 to the flag, the decision to move the cadre out of the team,
and the dashboard of the effective date, recomputed, counting one 副科 fewer."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cadre_office.dashboard.models import Plan
from cadre_office.dashboard.services import snapshot_compute
from oversight.models import AdjustmentDecision, AnnualAppraisal, FlagRule
from oversight.services.adjustments import flags_raise
from tests.browser.conftest import log_in
from tests.browser.test_dashboard_journey import eager_tasks  # noqa: F401  (the fixture)
from tests.factories import DepartmentFactory, role_user
from tests.oversight.test_adjustments import member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


def test_staff_act_on_a_flag_and_the_dashboard_of_that_date_shows_the_cadre_gone(page, eager_tasks):  # noqa: F811
    # A transactional test empties the tables after it ran, the rows the migrations seeded included.
    if not Plan.objects.exists():
        importlib.import_module("cadre_office.dashboard.migrations.0002_default_plan").create_plan(apps, None)
    if not FlagRule.objects.exists():
        importlib.import_module("oversight.migrations.0002_adjustments").seed_rules(apps, None)
    today = timezone.localdate()
    effective = today - dt.timedelta(days=1)
    office = DepartmentFactory(name="办公室")
    weak = member(department=office, name="钱不称", start=dt.date(2021, 3, 1))
    member(department=office, name="孙称职", start=dt.date(2021, 3, 1))
    staff = role_user("人事干部", username="renshi_a", password=PASSWORD)
    AnnualAppraisal.objects.create(cadre=weak, year=today.year - 1, grade="incompetent")
    flags_raise(actor=staff)
    snapshot_compute(as_of=effective)

    log_in(page, "renshi_a", PASSWORD)
    line = page.locator("[data-testid=desk-task]:has-text('动态管理预警待研判')")
    assert line.locator(".desk-count").inner_text() == "1"
    line.click()
    page.wait_for_selector("[data-testid=flag-table]")
    row = page.locator("[data-testid=flag-row]")
    assert row.count() == 1 and "钱不称" in row.inner_text() and "考核不称职" in row.inner_text()
    row.locator("[data-testid=decide]").click()
    page.wait_for_selector("[data-testid=decision-form]")
    assert "不称职" in page.inner_text("[data-testid=open-flags]")
    page.check("input[name=outcome][value=remove]")
    page.fill("textarea[name=reason]", "年度考核不称职，经局党组研究调出科级干部队伍")
    page.fill("input[name=decided_on]", effective.isoformat())
    page.fill("input[name=effective_date]", effective.isoformat())
    page.fill("input[name=new_title]", "四级主任科员岗位")
    page.click("[data-testid=confirm-decision]")
    page.wait_for_selector(".messages")
    assert "已对钱不称作出处理决定：调出科级干部队伍" in page.inner_text(".messages")
    assert page.locator("[data-testid=flag-row]").count() == 0
    assert AdjustmentDecision.objects.get(cadre=weak).outcome == "remove"

    # The decision recomputed the effective date: one 副科实职 fewer than the two before.
    page.goto(page.base_url + f"/dashboard/?as_of={effective.isoformat()}")
    value = page.locator("[data-testid=target-fk_total] [data-testid=value]").inner_text().strip()
    assert value == "1 人"

    # The cadre's 全程记实 shows the grade, the flag, the decision and the post it ended, and prints.
    page.goto(page.base_url + f"/cadres/{weak.pk}/")
    page.click("a:has-text('全程记实')")
    page.wait_for_selector("[data-testid=timeline-table]")
    kinds = page.eval_on_selector_all("[data-testid=timeline-entry]", "rows => rows.map(r => r.dataset.kind)")
    assert kinds.count("adjustment") == 2 and "appraisal" in kinds and "post" in kinds
    table = page.inner_text("[data-testid=timeline-table]")
    assert "动态管理决定：调出科级干部队伍" in table and "考核不称职" in table
    with page.expect_download() as info:
        page.click("[data-testid=timeline-pdf]")
    with open(info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
