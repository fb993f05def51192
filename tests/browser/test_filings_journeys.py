"""备案 and 全程记实 in a real browser: personnel staff file an honour; the cadre's 全程记实 shows it and prints."""

import datetime as dt
import os

import pytest

from cadres.models import Reward
from cadres.services import post_start
from oversight.models import Filing
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


def test_staff_file_an_honour_and_the_timeline_shows_and_prints_it(page, transactional_db):
    role_user("人事干部", username="renshi_f", first_name="人事干部丙", password=PASSWORD)
    unit = DepartmentFactory(name="政策法规科")
    cadre = CadreFactory(name="周文华", department=unit)
    post_start(actor=None, cadre=cadre, department=unit, title="政策法规科副科长", level="52",
               start_date=dt.date(2019, 3, 1))

    log_in(page, "renshi_f", PASSWORD)
    page.click("nav a:has-text('备案管理')")
    page.wait_for_selector("h1:has-text('备案管理')")
    assert "没有符合条件的备案" in page.inner_text("#filing-results")
    page.click("[data-testid=filing-new]")
    page.fill("#id_q", "周文华")
    page.click("[data-testid=filing-pick-form] button[type=submit]")
    page.locator("[data-testid=pick-row]").first.locator("[data-testid=pick-honour]").click()
    page.wait_for_selector("h1:has-text('报送县级以上荣誉备案：周文华')")
    page.fill("#id_honour_title", "全区优秀公务员")
    page.select_option("#id_honour_level", "county")
    page.fill("#id_awarding_body", "中共某某区委、某某区人民政府")
    page.fill("#id_event_date", (dt.date.today() - dt.timedelta(days=5)).isoformat())
    page.click("[data-testid=filing-form] button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "已报送" in page.inner_text("[data-testid=filing-state]")

    # Upload the certificate, then 接收 → 审核 → 归档.
    page.fill("#id_label", "荣誉证书")
    page.set_input_files("#id_file", files=[{"name": "荣誉证书.pdf", "mimeType": "application/pdf",
                                             "buffer": b"%PDF-1.4\n%%EOF\n"}])
    page.click("[data-testid=action-attach]")
    page.wait_for_selector("[data-testid=attachment-link]")
    page.click("[data-testid=action-receive]")
    page.wait_for_selector("[data-testid=filing-state]:has-text('已接收')")
    page.fill("#id_opinion", "材料齐全，信息属实")
    page.click("[data-testid=action-review]")
    page.wait_for_selector("[data-testid=filing-state]:has-text('已审核')")
    page.click("[data-testid=action-file]")
    page.wait_for_selector("[data-testid=filing-state]:has-text('已归档')")
    assert "被评为全区优秀公务员" in page.inner_text("[data-testid=added-record]")
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "filing_detail.png"), full_page=True)
    filing = Filing.objects.get()
    assert filing.state == "filed" and filing.reward_record == Reward.objects.get(cadre=cadre)

    # The reward shows on the record page; its 全程记实 tab shows the post, the reward and the filing.
    page.click("a:has-text('周文华')")
    page.wait_for_selector("[data-testid=timeline-tab]")
    assert "被评为全区优秀公务员" in page.content()
    page.click("[data-testid=timeline-tab]")
    page.wait_for_selector("h1:has-text('全程记实：周文华')")
    table = page.inner_text("[data-testid=timeline-table]")
    assert "任政策法规科副科长" in table
    assert "被评为全区优秀公务员" in table and "县级以上荣誉备案：全区优秀公务员" in table
    assert "荣誉证书" in table  # the material, as a download link
    page.screenshot(path=os.path.join(ARTIFACTS, "timeline.png"), full_page=True)

    # Only 奖惩 and 备案.
    page.check("input[name=kind][value=discipline]")
    page.check("input[name=kind][value=filing]")
    page.click("[data-testid=timeline-filter] button[type=submit]")
    page.wait_for_load_state()
    assert "政策法规科副科长" not in page.inner_text("[data-testid=timeline-table]")
    assert page.locator("[data-testid=timeline-entry]").count() == 2

    with page.expect_download() as info:
        page.click("[data-testid=timeline-pdf]")
    download = info.value
    assert download.suggested_filename.startswith("全程记实_周文华_") and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
