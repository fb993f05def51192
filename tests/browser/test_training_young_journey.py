"""年轻干部选育 in a real browser: a leader approves two nominations at the review gate and finds them in the
pool; the nomination they recommended themselves offers them no decision."""

import datetime as dt

import pytest
from django.utils import timezone

from cadre_office.accounts.roles import Role
from tests.browser.conftest import log_in
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, role_user
from training.models import Nomination, PoolMember, YoungCadreRound
from training.services import young as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Lingdao-pass-2026"


@pytest.fixture
def world(transactional_db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    staff = role_user(Role.PERSONNEL, username="renshi_y", first_name="人事干部甲", password=PASSWORD)
    leader = role_user(Role.LEADER, username="lingdao_y", first_name="王局长", password=PASSWORD)
    today = timezone.localdate()
    round_ = services.round_create(actor=staff, round_=YoungCadreRound(
        year=today.year, name=f"{today.year}年度年轻干部选育", quota=3, age_limit=35, min_education="bachelor",
        nomination_deadline=today + dt.timedelta(days=10)))
    nominations = {}
    for name, unit, extra in [("欧阳明华", office, {}), ("司马静", finance, {}),
                              ("诸葛亮亮", office, {"recommended_by": leader, "recommender": "王局长"})]:
        cadre = CadreFactory(name=name, department=unit, birth_date=dt.date(today.year - 29, 4, 1))
        EducationFactory(cadre=cadre, level="21")
        values = {"recommender": f"{unit.name}党支部"} | extra
        nominations[name] = services.nomination_create(actor=staff, round_=round_, cadre=cadre, kind="recommended",
                                                       reason="政治素质好，综合协调能力强", **values)
    services.round_advance(actor=staff, round_=round_, to="review")
    return {"leader": leader, "round": round_, "nominations": nominations}


def test_a_leader_approves_two_nominations_and_finds_them_in_the_pool(page, world):
    log_in(page, "lingdao_y", PASSWORD)
    page.goto(page.base_url + "/")
    page.click("text=年轻干部推荐待审批")
    page.wait_for_selector("[data-testid=nomination-table]")
    assert page.locator("[data-testid=nomination-row]").count() == 3

    # The one the leader recommended offers no decision, only who decides it.
    own = page.locator("[data-testid=nomination-row]", has_text="诸葛亮亮")
    assert own.locator("button").count() == 0
    assert "本人推荐或登记，由其他领导审批" in own.inner_text()

    for name in ("欧阳明华", "司马静"):
        row = page.locator("[data-testid=nomination-row]", has_text=name)
        row.locator("input[name=reason]").fill("同意列为年轻干部培养人选")
        row.locator("button[value=approve]").click()
        page.wait_for_selector(".alert-success")
        assert f"已同意{name}，列入后备干部库。" in page.inner_text(".alert-success")
    assert page.locator("[data-testid=nomination-row]").count() == 1  # only their own is left

    approved = Nomination.objects.filter(state="approved", decided_by=world["leader"]).count()
    assert approved == 2
    assert not PoolMember.objects.filter(cadre__name="诸葛亮亮").exists()

    page.click("a.nav-link:has-text('后备干部库')")
    page.wait_for_selector("[data-testid=pool-table]")
    rows = page.locator("[data-testid=pool-row]")
    assert rows.count() == 2
    text = page.inner_text("[data-testid=pool-table]")
    assert "欧阳明华" in text and "司马静" in text and f"{timezone.localdate():%Y-%m-%d}" in text

    # The round's page counts them against the quota.
    page.goto(page.base_url + f"/training/young/rounds/{world['round'].pk}/")
    quota = page.inner_text("[data-testid=round-quota]")
    assert "已同意\n2" in quota and "尚余名额\n1" in quota
