"""The audit log page: anonymous, every other role, the audit administrator; filters; query count pinned."""

import pytest
from django.urls import reverse

from cadre_office.accounts.services import account_create
from cadre_office.audit import filters
from cadre_office.audit.models import AuditEvent
from tests.audit.conftest import at, make_event
from tests.factories import grant_role, log_in, role_user

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome
LIST_URL = reverse("audit:event_list")
EXPORT_URL = reverse("audit:event_export")

# 三员分立: every role but the audit administrator, the two other administrators included.
OTHER_ROLES = ["人事干部", "局领导", "科室负责人", "纪检监察", "系统管理员", "安全管理员"]


def _listed(response) -> list[AuditEvent]:
    return list(response.context["events"])


@pytest.mark.parametrize("url", [LIST_URL, EXPORT_URL])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_is_forbidden_the_list_and_the_export(client, role):
    make_event(object_repr="机密对象")
    log_in(client, role_user(role))
    response = client.get(LIST_URL)
    assert response.status_code == 403
    assert "机密对象" not in response.text
    assert client.get(EXPORT_URL).status_code == 403
    # A refused export writes no export row (and produced no workbook).
    assert not AuditEvent.objects.filter(event=Event.EXPORT).exists()


def test_only_the_audit_administrator_role_holds_the_audit_permissions(auditor):
    for role in OTHER_ROLES:
        user = role_user(role)
        assert not user.has_perm("audit.view_auditevent"), role
        assert not user.has_perm("audit.export_auditevent"), role
    assert auditor.has_perm("audit.view_auditevent") and auditor.has_perm("audit.export_auditevent")


def test_audit_administrator_sees_rows_newest_first_with_count(auditor_client):
    old = make_event(when=at(2026, 11, 1, 8, 0, 5), username="wangwu", event=Event.LOGIN_FAILED,
                     outcome=Outcome.FAILURE)
    new = make_event(when=at(2026, 11, 2, 9, 30, 45), username="wangwu", event=Event.LOGOUT)
    response = auditor_client.get(LIST_URL, {"username": "wangwu"})
    assert response.status_code == 200
    assert _listed(response) == [new, old]
    assert response.context["paginator"].count == 2
    html = response.text
    assert 'data-testid="result-count">2<' in html
    # Time to the second, in Beijing time.
    assert "2026-11-02 09:30:45" in html and "2026-11-01 08:00:05" in html
    assert "登录失败" in html and "退出登录" in html
    assert '<span class="badge text-bg-danger">失败</span>' in html
    assert "no-store" in response["Cache-Control"]


def test_filter_by_event(auditor_client):
    failed = make_event(event=Event.LOGIN_FAILED, outcome=Outcome.FAILURE)
    make_event(event=Event.LOGOUT)
    response = auditor_client.get(LIST_URL, {"event": Event.LOGIN_FAILED})
    assert _listed(response) == [failed]


def test_filter_by_username_fragment_case_insensitive(auditor_client):
    li = make_event(username="LiSi", event=Event.LOGOUT)
    make_event(username="zhaoliu", event=Event.LOGOUT)
    response = auditor_client.get(LIST_URL, {"username": "lis", "event": Event.LOGOUT})
    assert _listed(response) == [li]


def test_filter_by_date_range_includes_both_whole_days_in_beijing_time(auditor_client):
    before = make_event(when=at(2026, 10, 31, 23, 59, 59), event=Event.LOGOUT)
    first = make_event(when=at(2026, 11, 1, 0, 0, 0), event=Event.LOGOUT)  # 2026-10-31 16:00 UTC
    last = make_event(when=at(2026, 11, 3, 23, 59, 59), event=Event.LOGOUT)
    after = make_event(when=at(2026, 11, 4, 0, 0, 0), event=Event.LOGOUT)
    response = auditor_client.get(LIST_URL, {"date_from": "2026-11-01", "date_to": "2026-11-03",
                                             "event": Event.LOGOUT})
    assert _listed(response) == [last, first]
    only_from = auditor_client.get(LIST_URL, {"date_from": "2026-11-04", "event": Event.LOGOUT})
    assert after in _listed(only_from) and before not in _listed(only_from)
    only_to = auditor_client.get(LIST_URL, {"date_to": "2026-10-31", "event": Event.LOGOUT})
    assert _listed(only_to) == [before]


def test_reversed_date_range_is_shown_as_an_error_and_the_end_ignored(auditor_client):
    event = make_event(when=at(2026, 11, 5, 10, 0), event=Event.LOGOUT)
    response = auditor_client.get(LIST_URL, {"date_from": "2026-11-05", "date_to": "2026-11-01",
                                             "event": Event.LOGOUT})
    assert response.status_code == 200
    assert filters.DATE_RANGE_REVERSED in response.text
    assert _listed(response) == [event]


def test_filter_by_outcome(auditor_client):
    denied = make_event(event=Event.EXPORT, outcome=Outcome.DENIED)
    make_event(event=Event.EXPORT, outcome=Outcome.SUCCESS)
    response = auditor_client.get(LIST_URL, {"outcome": Outcome.DENIED})
    assert _listed(response) == [denied]
    assert '<span class="badge text-bg-warning">拒绝</span>' in response.text


def test_filter_by_address_exact_or_prefix(auditor_client):
    one = make_event(ip="10.2.0.1", event=Event.LOGOUT)
    twelve = make_event(ip="10.2.0.12", event=Event.LOGOUT)
    make_event(ip="192.168.1.1", event=Event.LOGOUT)
    assert _listed(auditor_client.get(LIST_URL, {"ip": "10.2.0.1"})) == [one]
    assert _listed(auditor_client.get(LIST_URL, {"ip": "10.2."})) == [twelve, one]
    response = auditor_client.get(LIST_URL, {"ip": "10.2.0.1' OR 1=1"})
    assert filters.IP_INVALID in response.text


def test_filter_by_object_keyword(auditor_client):
    cadre = make_event(event=Event.UPDATE, object_type="cadres.cadre", object_id="42", object_repr="欧阳明华")
    make_event(event=Event.UPDATE, object_type="cadres.cadre", object_id="43", object_repr="李其他")
    assert _listed(auditor_client.get(LIST_URL, {"q": "明华"})) == [cadre]
    assert _listed(auditor_client.get(LIST_URL, {"q": "42"})) == [cadre]


def test_filters_combine_and_reset_link_clears_them(auditor_client):
    wanted = make_event(when=at(2026, 11, 2, 10, 0), username="wangwu", event=Event.LOGIN_FAILED,
                        outcome=Outcome.FAILURE, ip="10.9.9.9")
    make_event(when=at(2026, 11, 2, 10, 0), username="wangwu", event=Event.LOGIN_FAILED,
               outcome=Outcome.FAILURE, ip="10.9.9.8")
    make_event(when=at(2026, 11, 9, 10, 0), username="wangwu", event=Event.LOGIN_FAILED,
               outcome=Outcome.FAILURE, ip="10.9.9.9")
    response = auditor_client.get(LIST_URL, {
        "date_from": "2026-11-01", "date_to": "2026-11-05", "username": "wangwu",
        "event": Event.LOGIN_FAILED, "outcome": Outcome.FAILURE, "ip": "10.9.9.9",
    })
    assert _listed(response) == [wanted]
    # The export link carries the same filters.
    assert f'href="{EXPORT_URL}?date_from=2026-11-01&amp;date_to=2026-11-05' in response.text
    assert f'href="{LIST_URL}" class="btn btn-outline-secondary btn-sm">重置' in response.text


def test_role_change_detail_reads_from_to(auditor_client):
    admin = role_user("安全管理员", username="anquan_t")
    user = account_create(actor=admin, username="zhoujiu", full_name="周九", password="Zhou-jiu-2026x",
                          must_change_password=False)
    # Both grants need a second person (a 局领导); the rows name the one who asked (anquan_t).
    grant_role(user, "人事干部", requested_by=admin)
    grant_role(user, "局领导", requested_by=admin)
    response = auditor_client.get(LIST_URL, {"event": Event.ROLE_CHANGE})
    assert response.context["paginator"].count == 2
    html = response.text
    assert "角色：</span>人事干部 → 局领导" in html
    assert "角色：</span>（空） → 人事干部" in html
    assert "zhoujiu（周九）" in html and "anquan_t" in html


def test_full_id_number_in_object_text_is_masked_on_the_page(auditor_client):
    make_event(event=Event.REVEAL, object_repr="张三 110101199003074477", detail={"field": "身份证号"})
    html = auditor_client.get(LIST_URL, {"event": Event.REVEAL}).text
    assert "110101199003074477" not in html
    assert "110101***********7" in html


def test_htmx_request_gets_only_the_results(auditor_client):
    make_event(event=Event.LOGOUT)
    response = auditor_client.get(LIST_URL, {"event": Event.LOGOUT}, headers={"HX-Request": "true",
                                                                              "HX-Target": "audit-results"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'data-testid="audit-table"' in response.text


def test_empty_result_says_what_to_do(auditor_client):
    response = auditor_client.get(LIST_URL, {"username": "nobody-like-this"})
    assert "没有符合条件的审计记录" in response.text


@pytest.mark.parametrize("size", [5, 60])
def test_list_query_count_does_not_grow_with_rows(auditor_client, django_assert_num_queries, size):
    for n in range(size):
        make_event(username=f"user{n}", event=Event.ROLE_CHANGE, object_type="auth.user", object_id=str(n),
                   object_repr=f"user{n}", detail={"from": "人事干部", "to": "局领导"})
    # 1 session, 1 user, 1 the verified second-factor device, 2 permission look-ups (user and
    # group permissions, cached for the request), 1 count, 1 page of rows (username, address and
    # object text are stored on the row: no join, no prefetch), 1 the user's roles in the top bar,
    # and 3 to refresh the session's idle timeout (savepoint, update, release). Nothing per row.
    with django_assert_num_queries(11):
        response = auditor_client.get(LIST_URL, {"per_page": 200, "event": Event.ROLE_CHANGE})
    assert len(response.context["rows"]) == size
