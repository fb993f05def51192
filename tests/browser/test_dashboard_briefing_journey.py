"""Browser journey of the dashboard for briefings: a leader opens the print view from the dashboard, sees the
cards as the page shows them laid out for A4 landscape (no navigation, the toolbar not printed), prints it to
PDF, and downloads the cards' workbook and a drill-down list's workbook.
"""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from openpyxl import load_workbook

from cadre_office.dashboard.models import Plan
from cadre_office.dashboard.services import snapshot_compute
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lingdao-pass-2026"
D_MAY, D_JUN = dt.date(2026, 5, 31), dt.date(2026, 6, 30)


def section_cadre(name, level, birth, department, **fields):
    cadre = CadreFactory(name=name, birth_date=birth, department=department, **fields)
    PostFactory(cadre=cadre, level=level, start_date=dt.date(2020, 1, 1), title="科长" if level == "51" else "副科长")
    return cadre


@pytest.fixture
def roster(transactional_db):
    if not Plan.objects.exists():
        # A transactional test empties the tables after it ran, the plan the migration created included.
        importlib.import_module("cadre_office.dashboard.migrations.0002_default_plan").create_plan(apps, None)
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    section_cadre("张正", "51", dt.date(1986, 3, 1), office)
    section_cadre("王副", "52", dt.date(1990, 3, 1), office, gender="2")
    section_cadre("赵副", "52", dt.date(1972, 7, 1), finance)
    snapshot_compute(as_of=D_MAY)
    section_cadre("钱副", "52", dt.date(1993, 1, 1), finance, gender="2")
    snapshot_compute(as_of=D_JUN)


def workbook_rows(download) -> list[tuple]:
    with open(download.path(), "rb") as handle:  # the download's own file has no .xlsx ending
        return list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))


def test_a_leader_prints_the_dashboard_and_exports_the_cards_and_a_list(page, roster, tmp_path):
    role_user("局领导", username="lingdao_b", first_name="局长", password=PASSWORD)
    log_in(page, "lingdao_b", PASSWORD)
    page.goto(page.base_url + "/dashboard/")
    female = page.locator("[data-testid=target-female] [data-testid=value]").inner_text().strip()
    assert female == "50.0%"  # 王副 钱副 of 4

    page.click("[data-testid=print-view]")
    page.wait_for_selector("h1:has-text('结构目标完成情况')")
    assert page.locator(".sidenav").count() == 0
    card = page.locator("[data-testid=brief-female]")
    assert card.locator("[data-testid=value]").inner_text().strip() == female
    assert card.locator("[data-testid=change]").inner_text().strip() == "+16.7 个百分点"  # from 1 of 3
    assert card.locator("[data-testid=status]").inner_text().strip() == "已达标"
    assert page.inner_text("[data-testid=as-of]") == "2026-06-30"

    # On paper: the toolbar is gone, the page is A4 landscape.
    page.emulate_media(media="print")
    assert not page.locator(".brief-toolbar").is_visible()
    page.pdf(path=str(tmp_path / "printed.pdf"), prefer_css_page_size=True)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    rows = workbook_rows(download.value)
    female_row = next(row for row in rows if row[0] == "女干部占科级干部比例")
    assert female_row[2:8] == (2, 4, "50.0%", "25%", "已达标", "+16.7 个百分点")

    with page.expect_download() as download:
        page.click("[data-testid=export-pdf]")
    assert download.value.suggested_filename == "结构看板_20260630.pdf"

    page.goto(page.base_url + "/dashboard/drilldown/female/numerator/?as_of=2026-06-30")
    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    assert download.value.suggested_filename == "看板名单_女干部占科级干部比例·分子_20260630.xlsx"
    listed = workbook_rows(download.value)
    assert [row[1] for row in listed[2:]] == ["王副", "钱副"]
