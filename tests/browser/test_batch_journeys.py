"""批量变更 in a real browser: tick five cadres on the roster, move them to another unit, see them there."""

import datetime as dt
import os

import pytest

from cadre_office.audit.models import AuditEvent
from cadres.models import Cadre
from cadres.services import post_start
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"
# Set to a folder to keep pictures of the roster with a selection and of the preview (for a look by eye).
SCREENSHOTS = os.environ.get("BATCH_SCREENSHOTS", "")


def _shot(page, name):
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name))


def test_select_five_cadres_and_move_them_to_another_unit(page):
    staff = role_user("人事干部", username="renshi_b", first_name="人事干部甲", password=PASSWORD)
    office, law = DepartmentFactory(name="办公室", sort_order=10), DepartmentFactory(name="法规科", sort_order=40)
    for n in range(8):
        cadre = CadreFactory(name=f"办公室干部{n + 1}", department=office, birth_date=dt.date(1980 + n, 3, 1))
        if n < 2:
            post_start(actor=staff, cadre=cadre, department=office, title="办公室副主任", level="52",
                       start_date=dt.date(2021, 1, 1))
    CadreFactory(name="法规科干部", department=law)

    log_in(page, "renshi_b", PASSWORD)
    assert page.locator("h1").inner_text() == "工作台"  # the landing page: the to-do desk
    page.click("nav a:has-text('干部花名册')")
    page.wait_for_url("**/cadres/")
    page.select_option("select[name=department]", str(office.pk))
    page.wait_for_selector("[data-testid=result-count]:text-is('8')")
    submit = page.locator("[data-testid=batch-submit]")
    assert submit.is_disabled()  # nothing chosen yet

    page.check("[data-batch-page]")  # the page's box chooses every row on it
    assert page.locator("[data-batch-row]:checked").count() == 8
    page.uncheck("[data-batch-page]")
    rows = page.locator("[data-batch-row]")
    for index in range(5):
        rows.nth(index).check()
    assert submit.is_enabled() and "5 人" in submit.inner_text()
    assert "已选择本页 5 人" in page.inner_text("[data-batch-status]")
    chosen = page.locator(".roster-table tbody tr:has([data-batch-row]:checked) td:nth-child(2)").all_inner_texts()
    _shot(page, "batch-roster-selection.png")

    submit.click()
    page.wait_for_selector("h1:text-is('批量变更')")
    assert page.inner_text("[data-testid=batch-selected-count]") == "5"
    assert page.locator("#id_rank").is_hidden()  # only the value field of the chosen kind (单位)
    page.select_option("#id_department", str(law.pk))
    page.fill("#id_effective_date", "2026-04-01")
    page.fill("#id_reason", "机构调整")
    page.click("button:has-text('预览变更')")

    page.wait_for_selector("h1:text-is('批量变更预览')")
    preview = page.locator("[data-testid=batch-preview] tbody tr")
    assert preview.count() == 5 and page.inner_text("[data-testid=batch-problems]") == "0"
    assert "“办公室副主任”2026-03-31止，2026-04-01起在法规科任“法规科副主任”" in page.inner_text(
        "[data-testid=batch-preview]")
    _shot(page, "batch-preview.png")
    assert Cadre.objects.filter(department=law).count() == 1  # nothing written before confirming

    page.click("[data-testid=batch-confirm]")
    page.wait_for_selector(".alert-success")
    assert "已变更 5 人：单位变更为法规科，生效日期 2026-04-01。" in page.inner_text(".alert-success")
    page.wait_for_selector("[data-testid=result-count]:text-is('6')")  # the roster, filtered to 法规科
    names = page.locator(".roster-table tbody tr td:nth-child(2)").all_inner_texts()
    assert set(chosen) <= set(names) and "法规科干部" in names
    assert set(Cadre.objects.filter(department=law).values_list("name", flat=True)) == {*chosen, "法规科干部"}
    assert AuditEvent.objects.filter(event="update", detail__reason="批量变更单位：机构调整").count() == 5
