"""全程记实: the page assembles every source in date order, filters, keeps scope, and costs fixed queries."""

import datetime as dt
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_office.accounts.roles import Role
from cadres.models import Education, PostAssignment, RankAssignment, Reward
from oversight.models import DisciplineAction, Filing
from oversight.services import filing_submit
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    unit = DepartmentFactory(name="办公室")
    return {"unit": unit, "cadre": CadreFactory(department=unit, name="李强"), "staff": role_user(Role.PERSONNEL),
            "head": role_user(Role.DEPARTMENT_HEAD, departments=[unit]), "discipline": role_user(Role.DISCIPLINE)}


def fill(cadre, staff, n: int) -> None:
    """``n`` entries of each kind the oversight sources own (rows written directly: a test's fixture)."""
    day = dt.date(2000, 1, 1)
    PostAssignment.objects.bulk_create(PostAssignment(
        cadre=cadre, department=cadre.department, title=f"职务{i}", start_date=day + dt.timedelta(days=i * 20),
        end_date=day + dt.timedelta(days=i * 20 + 19)) for i in range(n))
    RankAssignment.objects.bulk_create(RankAssignment(cadre=cadre, rank="11", start_date=day + dt.timedelta(days=i))
                                       for i in range(n))
    Reward.objects.bulk_create(Reward(cadre=cadre, kind="commendation", level="county", name=f"嘉奖{i}",
                                      granted_on=day + dt.timedelta(days=i)) for i in range(n))
    DisciplineAction.objects.bulk_create(DisciplineAction(
        cadre=cadre, kind="warning", decided_on=day + dt.timedelta(days=i), effect_until=day + dt.timedelta(days=i))
        for i in range(n))
    Filing.objects.bulk_create(Filing(
        cadre=cadre, kind="honour", event_date=day + dt.timedelta(days=i), due_on=day + dt.timedelta(days=i + 30),
        honour_title=f"荣誉{i}", awarding_body="区委", honour_level="county", submitted_by=staff,
        submitted_at="2026-01-01T00:00:00Z") for i in range(n))


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_timeline_costs_the_same_queries_with_5_and_with_500_entries(client, world):
    # Session, user, OTP device, user and group permissions, the top bar's roles and the navigation's
    # to-do counts, the cadre in scope, then the sources: posts, ranks, education, rewards and 处分 (one
    # each), filings and their materials (two), selection's candidacies (one; none found, so no steps),
    # 考核 and 考察 (one each), 动态管理 (one), 积分 and 谈心 (one each), 教育培养's sources (seven:
    # completed trainings; placements; rotations; nominations and pool memberships; plans and their reviews),
    # and the session's save. The same whatever the number of entries.
    cadre, staff = world["cadre"], world["staff"]
    url = reverse("oversight:cadre_timeline", args=[cadre.pk])
    log_in(client, staff)
    fill(cadre, staff, 1)
    queries(client, url)  # the first request of a process fills the content-type cache (one query, once)
    small, _ = queries(client, url)
    fill(cadre, staff, 99)
    large, page = queries(client, url)
    assert page.count('data-testid="timeline-entry"') == 500
    assert large == small
    assert small == 31, small


def test_entries_in_date_order_from_every_source(client, world):
    cadre, staff = world["cadre"], world["staff"]
    PostAssignment.objects.create(cadre=cadre, department=cadre.department, title="科员",
                                  start_date=dt.date(2012, 7, 1))
    Education.objects.create(cadre=cadre, kind="fulltime", level="21", school_major="某某大学法学",
                             graduation_date=dt.date(2012, 6, 30))
    filing_submit(actor=staff, filing=Filing(cadre=cadre, kind="honour", event_date=dt.date(2026, 11, 1),
                                             honour_title="全区优秀公务员", awarding_body="区委",
                                             honour_level="county"))
    log_in(client, staff)
    page = client.get(reverse("oversight:cadre_timeline", args=[cadre.pk])).content.decode()
    assert page.index("大学本科毕业") < page.index("任办公室科员") < page.index("全区优秀公务员")


def test_filters_by_kind_and_period(client, world):
    cadre, staff = world["cadre"], world["staff"]
    fill(cadre, staff, 3)
    log_in(client, staff)
    url = reverse("oversight:cadre_timeline", args=[cadre.pk])
    page = client.get(url, {"kind": ["post", "filing"]}).content.decode()
    assert page.count('data-kind="post"') == 3 and page.count('data-kind="filing"') == 3
    assert 'data-kind="rank"' not in page
    page = client.get(url, {"start": "2000-01-02", "end": "2000-01-21", "kind": "post"}).content.decode()
    assert page.count('data-testid="timeline-entry"') == 1  # the post of 2000-01-21
    page = client.get(url, {"start": "2001-01-01", "end": "2000-01-01"}).content.decode()
    assert "截止日期不能早于起始日期" in page


def test_petitions_and_discipline_stay_out_of_a_department_heads_timeline(client, world):
    cadre, staff = world["cadre"], world["staff"]
    filing_submit(actor=staff, filing=Filing(cadre=cadre, kind="petition", event_date=dt.date(2026, 11, 1),
                                             petition_source="letter", petition_summary="反映其违规收受礼金"))
    DisciplineAction.objects.create(cadre=cadre, kind="warning", decided_on=dt.date(2025, 1, 1),
                                    effect_until=dt.date(2025, 7, 1))
    url = reverse("oversight:cadre_timeline", args=[cadre.pk])
    log_in(client, world["head"])
    page = client.get(url).content.decode()
    assert "信访" not in page.split('data-testid="timeline-filter"')[1].split("</form>")[1]
    assert "警告处分" not in page
    log_in(client, world["discipline"])
    page = client.get(url).content.decode()
    assert "信访备案" in page and "受到警告处分" in page


def test_out_of_scope_is_404_and_the_pdf_names_the_cadre(client, world):
    other = CadreFactory(department=DepartmentFactory(name="财务科"))
    log_in(client, world["head"])
    assert client.get(reverse("oversight:cadre_timeline", args=[other.pk])).status_code == 404
    assert client.get(reverse("oversight:cadre_timeline_pdf", args=[other.pk])).status_code == 404
    response = client.get(reverse("oversight:cadre_timeline_pdf", args=[world["cadre"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "全程记实_李强_" in unquote(response["Content-Disposition"])


def test_the_record_page_links_its_timeline(client, world):
    log_in(client, world["head"])
    page = client.get(reverse("cadres:cadre_detail", args=[world["cadre"].pk])).content.decode()
    assert reverse("oversight:cadre_timeline", args=[world["cadre"].pk]) in page
