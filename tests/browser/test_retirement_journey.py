"""到龄退休 in a real browser: personnel staff find an overdue retiree and retire them."""

import datetime as dt
import os

import pytest

from cadres.codes import Gender, PersonnelStatus
from cadres.models import Cadre
from cadres.services import post_start
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import CadreFactory, DepartmentFactory, role_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Renshi-pass-2026"


def test_find_an_overdue_retiree_on_the_page_and_retire_them(page, transactional_db):
    role_user("人事干部", username="renshi_r", first_name="人事干部乙", password=PASSWORD)
    unit = DepartmentFactory(name="综合执法大队")
    # Retires 2025-12 (60 plus 3 months): overdue whenever the journey runs.
    old = CadreFactory(name="林超期", department=unit, gender=Gender.MALE, birth_date=dt.date(1965, 9, 3))
    post_start(actor=None, cadre=old, department=unit, title="综合执法大队副大队长", level="52",
               start_date=dt.date(2016, 4, 1))
    CadreFactory(name="王年轻", department=unit, birth_date=dt.date(1990, 5, 1))
    CadreFactory(name="赵将到", department=unit, gender=Gender.FEMALE,
                 birth_date=dt.date.today().replace(day=1) - dt.timedelta(days=55 * 365 + 100))

    log_in(page, "renshi_r", PASSWORD)
    page.click("nav a:has-text('到龄退休')")
    page.wait_for_selector("h1:has-text('到龄退休')")
    first = page.locator("[data-testid=retirement-row]").first
    assert "林超期" in first.inner_text() and "已超期" in first.inner_text() and "2025-12" in first.inner_text()
    assert "王年轻" not in page.inner_text("#retirement-results")
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "retirement_due.png"), full_page=True)

    first.locator("[data-testid=retire-button]").click()
    page.wait_for_selector("h1:has-text('办理退休：林超期')")
    assert "综合执法大队副大队长" in page.inner_text("[data-testid=to-close]")
    assert page.input_value("#id_retire_date") == "2026-01-01"  # the 1st after the statutory month
    page.fill("#id_reason", "达到法定退休年龄，区人社局批复")
    page.click("[data-testid=confirm-retire]")
    page.wait_for_selector(".alert-success")
    assert page.locator("h1").inner_text() == "到龄退休"  # back on the list
    assert "林超期" not in page.inner_text("#retirement-results")

    cadre = Cadre.objects.get(pk=old.pk)
    assert (cadre.status, cadre.status_date) == (PersonnelStatus.RETIRED, dt.date(2026, 1, 1))
    assert cadre.posts.get().end_date == dt.date(2025, 12, 31)
    page.goto(page.base_url + f"/cadres/{cadre.pk}/")
    assert "退休（2026-01-01）：达到法定退休年龄，区人社局批复" in page.inner_text("[data-testid=status-text]")
