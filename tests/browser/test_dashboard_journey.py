"""Browser journeys of the structure-target dashboard: a leader reads the targets against their goals,
opens a trend and drills down to the cadres behind a figure; personnel staff recompute a date.

The roster changes between three statistics dates, so each trend has three points.
"""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps

from cadre_office.dashboard.models import Plan
from cadre_office.dashboard.services import snapshot_compute
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, PostFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lingdao-pass-2026"
D1, D2, D3 = dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 9, 30)


def section_cadre(name, level, birth, department, *, bachelor=False, **fields):
    cadre = CadreFactory(name=name, birth_date=birth, department=department, **fields)
    PostFactory(cadre=cadre, level=level, start_date=dt.date(2020, 1, 1), title="科长" if level == "51" else "副科长")
    if bachelor:
        EducationFactory(cadre=cadre, level="21")
    return cadre


@pytest.fixture
def roster(transactional_db):
    if not Plan.objects.exists():
        # A transactional test empties the tables after it ran, the plan the migration created included.
        importlib.import_module("cadre_office.dashboard.migrations.0002_default_plan").create_plan(apps, None)
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    # 张正 is 40 on D3 and turns 41 before the plan ends (2027-12-31): he ages out of the under-40s.
    section_cadre("张正", "51", dt.date(1986, 3, 1), office, bachelor=True)
    section_cadre("李正", "51", dt.date(1968, 5, 1), finance)
    section_cadre("王副", "52", dt.date(1990, 3, 1), office, bachelor=True, gender="2")
    section_cadre("赵副", "52", dt.date(1972, 7, 1), finance)
    snapshot_compute(as_of=D1)
    section_cadre("钱副", "52", dt.date(1993, 1, 1), finance, bachelor=True, ethnicity="03")
    snapshot_compute(as_of=D2)
    section_cadre("孙正", "51", dt.date(1991, 1, 1), office, gender="2", political_status="13")
    snapshot_compute(as_of=D3)


# On D3: 正科 张正 李正 孙正, 副科 王副 赵副 钱副. (value, goal, badge) of each card.
EXPECTED = {
    "zk_under40": ("66.7%", "35%", "已达标"),            # 张正 孙正 of 3
    "fk_under40": ("66.7%", "89%", "未达标"),            # 王副 钱副 of 3
    "zk_under40_bachelor": ("50.0%", "43%", "已达标"),   # 张正 of 张正 孙正
    "fk_under40_bachelor": ("100.0%", "52%", "已达标"),  # 王副 钱副
    "female": ("33.3%", "25%", "已达标"),                # 王副 孙正 of 6
    "non_party": ("16.7%", "未设具体数值", "无具体目标"),  # 孙正
    "minority": ("16.7%", "未设具体数值", "无具体目标"),   # 钱副
    "zk_around30": ("0 人", "未设具体数值", "无具体目标"),
    "fk_total": ("3 人", "未设具体数值", "无具体目标"),
}


def card(page, code):
    return page.locator(f"[data-testid=target-{code}]")


def test_a_leader_reads_the_targets_opens_a_trend_and_drills_down_to_the_cadres(page, roster):
    role_user("局领导", username="lingdao_d", first_name="局长", password=PASSWORD)
    log_in(page, "lingdao_d", PASSWORD)
    page.click("nav a:has-text('指标总览')")
    page.wait_for_selector("h1:has-text('结构看板')")
    assert page.inner_text("[data-testid=scope]") == "全局"
    assert page.inner_text("[data-testid=as-of]") == "2026-09-30"

    # Each target's value against its goal.
    for code, (value, goal, badge) in EXPECTED.items():
        assert card(page, code).locator("[data-testid=value]").inner_text().strip() == value, code
        assert card(page, code).locator("[data-testid=goal]").inner_text().strip() == goal, code
        assert card(page, code).locator("[data-testid=status]").inner_text().strip() == badge, code
    fk = card(page, "fk_under40")
    assert fk.locator("[data-testid=gap]").inner_text() == "1"  # 0.89 × 3 = 2.67: one more than the 2
    zk = card(page, "zk_under40")
    assert zk.locator("[data-testid=counts]").inner_text().split() == ["2", "/", "3", "人"]
    assert zk.locator("[data-testid=aging-out]").inner_text() == "1"
    assert zk.locator("[data-testid=forecast]").inner_text() == "33.3%"  # (2 − 1) / 3

    # The script drew every trend line and sized the progress bars (no inline style: the CSP allows none).
    assert page.evaluate("document.querySelectorAll('canvas[data-chart]').length") == 9
    assert page.evaluate("[...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    assert card(page, "female").locator(".progress-bar").evaluate("bar => bar.style.width") == "100%"
    assert fk.locator(".progress-bar").evaluate("bar => bar.style.width") == "75%"  # 66.7% of 89%

    # The trend of the share of women: three dates, the larger chart, and the table.
    card(page, "female").locator("[data-testid=trend]").click()
    modal = page.locator("#trend-modal")
    modal.locator("[data-testid=trend-modal]").wait_for()
    assert "女干部占科级干部比例 · 趋势" in modal.locator(".modal-title").inner_text()
    rows = modal.locator("[data-testid=trend-table] tbody tr").all_inner_texts()
    assert [re.sub(r"\s+", " ", row).strip() for row in rows] == [
        "2026-09-30 2 6 33.3% 已达标", "2026-06-30 1 5 20.0% 未达标", "2026-03-31 1 4 25.0% 已达标"]
    assert modal.locator("canvas").evaluate("c => !!Chart.getChart(c)")
    modal.locator("button:has-text('关闭')").click()
    modal.wait_for(state="hidden")

    # The cadres behind the numerator: the two women.
    card(page, "female").locator("[data-testid=numerator]").click()
    page.wait_for_selector("h1:has-text('女性科级干部')")
    assert page.inner_text("[data-testid=result-count]") == "2"
    names = page.locator("[data-testid=drilldown-table] tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(names) == ["孙正", "王副"]

    # And the one who will be past 40 by the plan's end.
    page.click("a:has-text('返回看板')")
    card(page, "zk_under40").locator("[data-testid=aging-out]").click()
    page.wait_for_selector("[data-testid=drilldown-table]")
    assert page.locator("[data-testid=drilldown-table] tbody tr td:nth-child(2)").all_inner_texts() == ["张正"]
    assert "期末年龄" in page.inner_text("[data-testid=drilldown-table] thead")

    # An earlier date from the picker.
    page.click("a:has-text('返回看板')")
    page.select_option("#as-of", "2026-03-31")
    page.wait_for_url(re.compile(r"as_of=2026-03-31"))
    assert card(page, "female").locator("[data-testid=value]").inner_text().strip() == "25.0%"
    assert page.locator("[data-testid=recompute]").count() == 0  # leaders read, they do not recompute


@pytest.fixture
def eager_tasks():
    from cadre_office.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def test_personnel_staff_recompute_a_date_and_land_on_its_figures(page, roster, eager_tasks):
    role_user("人事干部", username="renshi_d", password=PASSWORD)
    log_in(page, "renshi_d", PASSWORD)
    page.goto(page.base_url + "/dashboard/")
    assert page.locator("#as-of option").count() == 3
    page.fill("input[name=as_of]", "2026-10-31")
    page.click("[data-testid=recompute]")
    page.wait_for_url(re.compile(r"as_of=2026-10-31"))
    assert "统计时点 2026-10-31 的数据已重新计算" in page.inner_text(".messages")
    assert page.inner_text("[data-testid=as-of]") == "2026-10-31"
    assert page.locator("#as-of option").count() == 4
    assert card(page, "female").locator("[data-testid=value]").inner_text().strip() == "33.3%"
