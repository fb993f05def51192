"""年轻干部选育 pages: anonymous, without permission, out of scope, permitted; the gate through the page; exports;
flat query counts."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, log_in, role_user
from training.models import Nomination, PoolMember, YoungCadreRound
from training.services import young as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    staff = role_user(Role.PERSONNEL, username="staff")
    round_ = services.round_create(actor=staff, round_=YoungCadreRound(
        year=2026, name="2026年度年轻干部选育", quota=5, age_limit=35, min_education="bachelor",
        nomination_deadline=dt.date(2026, 12, 31)))
    return {
        "office": office, "finance": finance, "staff": staff, "round": round_,
        "leader": role_user(Role.LEADER, username="leader", first_name="王局长"),
        "leader2": role_user(Role.LEADER, username="leader2", first_name="李副局长"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "admin": role_user(Role.SYSTEM_ADMIN, username="sysadmin"),
        "own": young(office, "本科室甲"),
        "other": young(finance, "他科室乙"),
    }


def young(department, name):
    cadre = CadreFactory(department=department, name=name, birth_date=dt.date(1995, 3, 1), current_level="52")
    EducationFactory(cadre=cadre, level="21")
    return cadre


def nominate(w, cadre, **kwargs):
    values = {"kind": "recommended", "reason": "综合素质好", "recommender": "办公室党支部"} | kwargs
    return services.nomination_create(actor=w["staff"], round_=w["round"], cadre=cadre, **values)


def pages(w):
    r = w["round"].pk
    return [reverse("training:round_list"), reverse("training:round_detail", args=[r]),
            reverse("training:round_eligible", args=[r]), reverse("training:nomination_list", args=[r]),
            reverse("training:pool_list"), reverse("training:nomination_export", args=[r]),
            reverse("training:pool_export")]


def test_anonymous_users_are_sent_to_login(client, w):
    for url in [*pages(w), reverse("training:nomination_review"), reverse("training:round_create")]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_a_system_administrator_is_refused(client, w):
    log_in(client, w["admin"])
    for url in pages(w):
        assert client.get(url).status_code == 403, url


def test_personnel_staff_open_every_page(client, w):
    nominate(w, w["own"])
    log_in(client, w["staff"])
    for url in [*pages(w), reverse("training:round_create"), reverse("training:round_update", args=[w["round"].pk]),
                reverse("training:nomination_create", args=[w["round"].pk, w["other"].pk])]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("training:nomination_review")).status_code == 403  # leaders decide


def test_a_department_head_sees_and_nominates_their_units_cadres_only(client, w):
    nominate(w, w["own"])
    nominate(w, w["other"])
    log_in(client, w["head"])
    response = client.get(reverse("training:nomination_list", args=[w["round"].pk]))
    assert [n.cadre.name for n in response.context["nominations"]] == ["本科室甲"]
    response = client.get(reverse("training:round_eligible", args=[w["round"].pk]))
    assert [c.name for c in response.context["cadres"]] == ["本科室甲"]
    other = young(w["finance"], "他科室丙")
    url = reverse("training:nomination_create", args=[w["round"].pk, other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"kind": "recommended", "recommender": "x", "reason": "y"}).status_code == 404
    assert not Nomination.objects.filter(cadre=other).exists()
    own = young(w["office"], "本科室丁")
    response = client.post(reverse("training:nomination_create", args=[w["round"].pk, own.pk]),
                           {"kind": "self", "reason": "本人陈述：希望到基层一线锻炼"})
    assert response.status_code == 302
    nomination = Nomination.objects.get(cadre=own)
    assert (nomination.kind, nomination.created_by, nomination.recommended_by) == ("self", w["head"], None)
    export = client.get(reverse("training:nomination_export", args=[w["round"].pk]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == ["本科室丁", "本科室甲"]
    assert AuditEvent.objects.filter(event="export", object_type="training.nomination").count() == 1


def test_an_ineligible_nomination_comes_back_with_the_reason(client, w):
    old = CadreFactory(department=w["office"], name="超龄甲", birth_date=dt.date(1980, 1, 1))
    EducationFactory(cadre=old, level="21")
    log_in(client, w["staff"])
    url = reverse("training:nomination_create", args=[w["round"].pk, old.pk])
    assert "超过本年度年龄上限35周岁" in client.get(url).content.decode()
    response = client.post(url, {"kind": "recommended", "recommender": "办公室", "reason": "好"})
    assert response.status_code == 200 and not Nomination.objects.exists()
    assert services.TOO_OLD.format(name="超龄甲", age=46, day="2026-12-31", limit=35) in response.content.decode()


def test_a_leader_decides_on_the_review_page_but_not_their_own(client, w):
    first = nominate(w, w["own"])
    theirs = nominate(w, w["other"], recommended_by=w["leader"], recommender="王局长")
    services.round_advance(actor=w["staff"], round_=w["round"], to="review")
    log_in(client, w["leader"])
    response = client.get(reverse("training:nomination_review"))
    rows = {n.cadre.name: n.own for n in response.context["nominations"]}
    assert rows == {"本科室甲": False, "他科室乙": True}
    assert "本人推荐或登记，由其他领导审批" in response.content.decode()
    response = client.post(reverse("training:nomination_decide", args=[first.pk]), {"decision": "approve"}, follow=True)
    assert "已同意本科室甲，列入后备干部库。" in response.content.decode()
    response = client.post(reverse("training:nomination_decide", args=[theirs.pk]), {"decision": "approve"},
                           follow=True)
    assert services.OWN_NOMINATION in response.content.decode()
    assert PoolMember.objects.filter(cadre=w["own"]).exists() and not PoolMember.objects.filter(cadre=w["other"])


def test_personnel_staff_move_a_round_through_its_steps(client, w):
    log_in(client, w["staff"])
    url = reverse("training:round_advance", args=[w["round"].pk])
    assert client.post(url, {"to": "review"}).status_code == 302
    assert YoungCadreRound.objects.get().state == "review"
    response = client.post(url, {"to": "review"}, follow=True)
    assert "不能结束推荐、提交审批" in response.content.decode()


def test_create_a_round_from_the_settings_defaults(client, w):
    log_in(client, w["staff"])
    response = client.get(reverse("training:round_create"))
    assert response.context["form"].initial["age_limit"] == 35
    response = client.post(reverse("training:round_create"), {
        "year": 2027, "name": "2027年度年轻干部选育", "quota": 8, "age_limit": 35, "min_education": "bachelor",
        "nomination_deadline": "2027-06-30", "note": ""})
    assert response.status_code == 302
    assert YoungCadreRound.objects.get(year=2027).created_by == w["staff"]


def _grow(w, target):
    while Nomination.objects.count() < target:
        index = Nomination.objects.count()
        cadre = young(w["office"] if index % 2 else w["finance"], f"人选{index}")
        # Straight into the table: the review page's round is under review, where the service no longer nominates.
        nomination = Nomination.objects.create(round=w["round"], cadre=cadre, kind="recommended", reason="好",
                                               recommender="党支部", recommended_by=w["leader2"],
                                               created_by=w["staff"])
        if index % 3 == 0:
            PoolMember.objects.create(cadre=cadre, entered_on=dt.date(2026, 1, 1), nomination=nomination)


# Every page pays 11 queries before its own: the session, the user, the TOTP device, the two permission reads,
# the navigation's three (pending account changes, the user's groups, selection steps awaiting them) and the
# session's save (savepoint, update, release). An export pays the first five, the audit row and the save (9).
PAGE, EXPORT = 11, 9
QUERIES = {
    "round_list": PAGE + 1,  # the rounds with their counts (one aggregate query)
    "round_detail": PAGE + 3,  # the round, its nominations by state, the pool by age band and level
    "round_eligible": PAGE + 4,  # the round, the unit filter's choices, the count, the rows
    "nomination_list": PAGE + 4,  # the round, the unit filter's choices, the count, the rows
    "nomination_review": PAGE + 4,  # the rounds under review, the unit filter's choices, the count, the rows
    "pool_list": PAGE + 3,  # the unit filter's choices, the count, the rows
    "nomination_export": EXPORT + 2,  # the round, the rows
    "pool_export": EXPORT + 1,  # the rows
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_list_pages_and_exports_make_the_same_number_of_queries_whatever_the_rows(client, w, name,
                                                                                  django_assert_num_queries):
    log_in(client, w["leader"])
    round_url = name in ("round_detail", "round_eligible", "nomination_list", "nomination_export")
    url = reverse(f"training:{name}", args=[w["round"].pk] if round_url else [])
    if name == "nomination_review":
        services.round_advance(actor=w["staff"], round_=w["round"], to="review")
    for target in (2, 8):
        _grow(w, target)
        # Rows come with their cadre, unit, round and users through joins, the highest education as a subquery.
        with django_assert_num_queries(QUERIES[name]):
            assert client.get(url).status_code == 200


def test_the_decision_form_takes_a_cadre_out_of_the_pool(client, w):
    from oversight.models import AnnualAppraisal
    from oversight.services import adjustments as oversight_services
    from tests.factories import PostFactory

    cadre = w["own"]
    PostFactory(cadre=cadre, title="副主任", level="52", start_date=dt.date(2022, 1, 1))
    AnnualAppraisal.objects.create(cadre=cadre, year=2025, grade="incompetent")
    oversight_services.flags_raise(actor=w["staff"], day=dt.date(2026, 12, 1))
    member = PoolMember.objects.create(cadre=cadre, entered_on=dt.date(2025, 12, 1))
    log_in(client, w["staff"])
    url = reverse("oversight:decision_create", args=[cadre.pk])
    assert "同时调出后备干部库" in client.get(url).content.decode()
    response = client.post(url, {"outcome": "keep", "reason": "经局党组会议研究，保留现职", "decided_on": "2026-12-01",
                                 "effective_date": "2026-12-01", "pool_exit": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.state, member.left_on, member.decision.pool_exit) == ("left", dt.date(2026, 12, 1), True)
