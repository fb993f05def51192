"""用户管理 pages: anonymous, without permission, system vs security administrator; audit, sessions, CSRF."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadre_office.accounts import messages
from cadre_office.accounts.messages import SERVICE_ACCOUNT_FIXED
from cadre_office.accounts.models import ChangeRequest, LoginSession, Profile
from cadre_office.accounts.roles import Role
from cadre_office.accounts.services import account_scope, change_request_confirm
from cadre_office.audit.models import AuditEvent
from cadre_office.history import service_account
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

User = get_user_model()
Event = AuditEvent.Event

ACTIONS = ("user_disable", "user_enable", "user_reset_password", "user_unlock")
TARGET_PAGES = ("user_detail", "user_update", *ACTIONS)
VALID_PASSWORD = "Chushi-2026-mm"


@pytest.fixture
def target(db):
    return role_user(Role.PERSONNEL, username="zhangsan", first_name="张三")


@pytest.fixture
def security_admin(db):
    return role_user(Role.SECURITY_ADMIN, username="anquan1", first_name="安全管理员甲")


@pytest.fixture
def system_admin(db):
    return role_user(Role.SYSTEM_ADMIN, username="xitong1", first_name="系统管理员甲")


@pytest.fixture
def security_client(client, security_admin):
    return log_in(client, security_admin)


@pytest.fixture
def system_client(client, system_admin):
    return log_in(client, system_admin)


def _all_urls(target):
    return [reverse("accounts:user_list"), reverse("accounts:user_create")] + [
        reverse(f"accounts:{name}", args=[target.pk]) for name in TARGET_PAGES
    ]


def _rows(event=None, target=None):
    rows = AuditEvent.objects.all()
    if event:
        rows = rows.filter(event=event)
    if target is not None:
        rows = rows.filter(object_type="auth.user", object_id=str(target.pk))
    return rows


def _account_events(target):
    """Audit rows about ``target`` written by the account pages (not logins or refusals)."""
    return _rows(target=target).exclude(event__in=[Event.LOGIN, Event.LOGOUT, Event.ACCESS_DENIED])


def _lock(username, failures=5, minutes_ago=0):
    attempt = AccessAttempt.objects.create(
        username=username, ip_address="10.1.2.3", user_agent="test", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=failures,
    )
    if minutes_ago:
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=timezone.now() - dt.timedelta(minutes=minutes_ago))
    return attempt


# --- who may open the pages -------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login_from_every_page(client, target):
    for url in _all_urls(target):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
    assert User.objects.get(pk=target.pk).is_active


@pytest.mark.parametrize("role", [Role.PERSONNEL, Role.LEADER, Role.DEPARTMENT_HEAD, Role.DISCIPLINE,
                                  Role.AUDIT_ADMIN, None])
def test_role_without_manage_accounts_gets_403_on_every_page(client, target, role):
    if role is None:  # an account created but not yet given a role
        user = role_user(Role.PERSONNEL, username="norole")
        user.groups.clear()
    else:
        user = role_user(role, departments=[DepartmentFactory()] if role == Role.DEPARTMENT_HEAD else ())
    log_in(client, user)
    for url in _all_urls(target):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"full_name": "改名", "role": Role.SYSTEM_ADMIN}).status_code == 403, url
    target.refresh_from_db()
    assert target.is_active
    assert target.first_name == "张三"
    assert [g.name for g in target.groups.all()] == [Role.PERSONNEL]
    assert not _account_events(target).exists()


def test_system_admin_can_create_disable_and_reset_but_not_edit_roles(system_client, system_admin, target):
    # Create: the form offers no role; a role posted anyway is ignored (the account gets none).
    page = system_client.get(reverse("accounts:user_create"))
    assert page.status_code == 200
    assert "role" not in page.context["form"].fields
    assert "departments" not in page.context["form"].fields
    response = system_client.post(reverse("accounts:user_create"), {
        "username": "lisi", "full_name": "李四", "display_title": "科员",
        "password": VALID_PASSWORD, "password_confirm": VALID_PASSWORD, "role": Role.SYSTEM_ADMIN,
    })
    lisi = User.objects.get(username="lisi")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[lisi.pk])
    assert list(lisi.groups.all()) == []
    assert lisi.profile.must_change_password

    response = system_client.post(reverse("accounts:user_disable", args=[target.pk]), {"reason": ""})
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active

    response = system_client.post(reverse("accounts:user_reset_password", args=[target.pk]))
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.check_password(response.context["password"])

    for method in (system_client.get, system_client.post):
        assert method(reverse("accounts:user_update", args=[target.pk])).status_code == 403
    assert [g.name for g in target.groups.all()] == [Role.PERSONNEL]


def test_security_admin_creates_an_account_with_role_and_scope(security_client, security_admin):
    office = DepartmentFactory(name="办公室")
    response = security_client.post(reverse("accounts:user_create"), {
        "username": "wangwu", "full_name": "王五", "display_title": "办公室主任",
        "password": VALID_PASSWORD, "password_confirm": VALID_PASSWORD,
        "role": Role.DEPARTMENT_HEAD, "departments": [office.pk],
    })
    assert response.status_code == 302
    wangwu = User.objects.get(username="wangwu")
    # 科室负责人 may export: the account exists at once, the role and scope wait for a 局领导.
    assert list(wangwu.groups.all()) == [] and list(account_scope(wangwu)) == []
    assert wangwu.profile.display_title == "办公室主任"
    assert wangwu.profile.must_change_password
    assert wangwu.profile.created_by == security_admin
    change = ChangeRequest.objects.get(target_user=wangwu, state="pending")
    assert (change.kind, change.payload["role"], change.requested_by) == ("grant_role", Role.DEPARTMENT_HEAD,
                                                                          security_admin)
    assert "须经第二人确认" in security_client.get(response["Location"]).text
    # Creating and asking are separate security events, one row each.
    assert sorted(_account_events(wangwu).values_list("event", flat=True)) == sorted(
        [Event.ACCOUNT_CREATE, Event.CHANGE_REQUEST])
    change_request_confirm(actor=role_user(Role.LEADER, username="lingdao1"), request=change)
    assert [g.name for g in wangwu.groups.all()] == [Role.DEPARTMENT_HEAD]
    assert list(account_scope(wangwu)) == [office]


def test_create_without_password_shows_a_generated_one_once(security_client):
    response = security_client.post(reverse("accounts:user_create"), {
        "username": "zhaoliu", "full_name": "赵六", "password": "", "password_confirm": "",
    })
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.text
    zhaoliu = User.objects.get(username="zhaoliu")
    assert zhaoliu.check_password(password)
    assert zhaoliu.profile.must_change_password
    # The password is not kept anywhere it could be shown again.
    assert password not in security_client.get(reverse("accounts:user_detail", args=[zhaoliu.pk])).text
    assert not _rows().filter(detail__icontains=password).exists()


def test_create_refuses_a_weak_password_and_a_taken_username(security_client, target):
    response = security_client.post(reverse("accounts:user_create"), {
        "username": "ZhangSan", "full_name": "张三二", "password": "abc", "password_confirm": "abc",
    })
    assert response.status_code == 200
    assert messages.USERNAME_TAKEN in response.context["form"].errors["username"]
    response = security_client.post(reverse("accounts:user_create"), {
        "username": "zhangsan2", "full_name": "张三二", "password": "abcdefghij", "password_confirm": "abcdefghij",
    })
    assert "password" in response.context["form"].errors
    assert messages.PASSWORD_CLASSES.format(min_classes=3) in response.text
    assert not User.objects.filter(username="zhangsan2").exists()


def test_create_refuses_scope_for_a_role_without_scope(security_client):
    office = DepartmentFactory()
    response = security_client.post(reverse("accounts:user_create"), {
        "username": "sunqi", "full_name": "孙七", "password": VALID_PASSWORD, "password_confirm": VALID_PASSWORD,
        "role": Role.PERSONNEL, "departments": [office.pk],
    })
    assert response.status_code == 200
    assert messages.SCOPE_NEEDS_SCOPED_ROLE in response.context["form"].errors["departments"]
    assert not User.objects.filter(username="sunqi").exists()


# --- role and scope -------------------------------------------------------------------------


def test_security_admin_changes_role_and_the_row_records_from_and_to(security_client, security_admin, target):
    response = security_client.post(reverse("accounts:user_update", args=[target.pk]), {
        "full_name": "张三", "display_title": "", "role": Role.DISCIPLINE,
    })
    assert response.status_code == 302
    assert [g.name for g in target.groups.all()] == [Role.DISCIPLINE]
    row = _account_events(target).get()
    assert (row.event, row.user, row.outcome) == (Event.ROLE_CHANGE, security_admin, AuditEvent.Outcome.SUCCESS)
    assert row.detail == {"from": Role.PERSONNEL, "to": Role.DISCIPLINE}


def test_granting_a_role_with_a_second_factor_on_the_edit_page_waits_for_a_second_person(
        security_client, security_admin, target):
    response = security_client.post(reverse("accounts:user_update", args=[target.pk]), {
        "full_name": "张三", "display_title": "", "role": Role.LEADER, "reason": "任命为副局长",
    }, follow=True)
    assert "须经第二人确认" in response.text
    assert [g.name for g in target.groups.all()] == [Role.PERSONNEL]
    change = ChangeRequest.objects.get(target_user=target)
    assert (change.state, change.payload["role"], change.reason) == ("pending", Role.LEADER, "任命为副局长")
    # The account's page lists it, and the requester may withdraw it there.
    page = security_client.get(reverse("accounts:user_detail", args=[target.pk]))
    assert "任命为副局长" in page.text and reverse("accounts:change_cancel", args=[change.pk]) in page.text
    response = security_client.post(reverse("accounts:change_cancel", args=[change.pk]),
                                    {"next": reverse("accounts:user_detail", args=[target.pk])})
    assert response["Location"] == reverse("accounts:user_detail", args=[target.pk])
    change.refresh_from_db()
    assert change.state == "cancelled"
    assert _rows(Event.CHANGE_CANCEL, target).get().user == security_admin


def test_scope_change_writes_one_row_with_from_and_to(security_client, security_admin):
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    head = role_user(Role.DEPARTMENT_HEAD, username="keshi1", first_name="科长甲", departments=[office])
    response = security_client.post(reverse("accounts:user_update", args=[head.pk]), {
        "full_name": "科长甲", "role": Role.DEPARTMENT_HEAD, "departments": [office.pk, finance.pk],
    })
    assert response.status_code == 302
    assert set(account_scope(head)) == {office, finance}
    row = _account_events(head).get()
    assert (row.event, row.user, row.outcome) == (Event.SCOPE_CHANGE, security_admin, AuditEvent.Outcome.SUCCESS)
    assert row.detail == {"from": ["办公室"], "to": sorted(["办公室", "财务科"])}


def test_one_account_cannot_hold_two_roles(security_client, target):
    form = security_client.get(reverse("accounts:user_update", args=[target.pk])).context["form"]
    assert form.fields["role"].widget.allow_multiple_selected is False
    security_client.post(reverse("accounts:user_update", args=[target.pk]), {
        "full_name": "张三", "role": [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN],
    })
    assert target.groups.count() == 1


def test_scope_on_a_role_without_scope_is_refused_and_nothing_changes(security_client, target):
    office = DepartmentFactory()
    response = security_client.post(reverse("accounts:user_update", args=[target.pk]), {
        "full_name": "张三改", "role": Role.LEADER, "departments": [office.pk],
    })
    assert response.status_code == 200
    assert messages.SCOPE_NEEDS_SCOPED_ROLE in response.context["form"].errors["departments"]
    target.refresh_from_db()
    assert target.first_name == "张三"
    assert [g.name for g in target.groups.all()] == [Role.PERSONNEL]
    assert not _account_events(target).exists()


def test_changing_the_role_ends_the_accounts_sessions(security_client, target):
    target_client = log_in(Client(), target)
    assert target_client.get(reverse("cadres:cadre_list")).status_code == 200
    security_client.post(reverse("accounts:user_update", args=[target.pk]),
                         {"full_name": "张三", "role": Role.DISCIPLINE})
    assert target_client.get(reverse("cadres:cadre_list"))["Location"].startswith(reverse("login"))


# --- disable, enable, reset, unlock ---------------------------------------------------------


def test_each_action_writes_exactly_one_audit_row(security_client, security_admin, target):
    _lock(target.username)
    steps = [
        ("user_disable", {"reason": "调离本局"}, Event.ACCOUNT_DISABLE),
        ("user_enable", {}, Event.ACCOUNT_ENABLE),
        ("user_reset_password", {}, Event.PASSWORD_RESET),
        ("user_unlock", {}, Event.ACCOUNT_UNLOCK),
    ]
    for name, data, event in steps:
        before = _account_events(target).count()
        response = security_client.post(reverse(f"accounts:{name}", args=[target.pk]), data)
        assert response.status_code in (200, 302), name
        rows = _account_events(target).order_by("id")[before:]
        assert [(r.event, r.user, r.outcome) for r in rows] == [(event, security_admin, "success")], name
    assert _rows(Event.ACCOUNT_DISABLE, target).get().detail == {"reason": "调离本局"}


def test_confirm_pages_change_nothing_until_posted(security_client, target):
    for name in ACTIONS:
        response = security_client.get(reverse(f"accounts:{name}", args=[target.pk]))
        assert response.status_code == 200
        assert 'method="post"' in response.text
    target.refresh_from_db()
    assert target.is_active
    assert not _account_events(target).exists()


def test_disabling_ends_the_targets_session(security_client, target):
    target_client = log_in(Client(), target)
    key = target_client.session.session_key
    LoginSession.objects.get_or_create(session_key=key, defaults={"user": target})  # as the login records it
    assert target_client.get(reverse("cadres:cadre_list")).status_code == 200

    response = security_client.post(reverse("accounts:user_disable", args=[target.pk]), {"reason": ""}, follow=True)
    assert "账号“zhangsan”已停用" in response.text

    assert not Session.objects.filter(session_key=key).exists()
    response = target_client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_reset_password_shows_a_strong_temporary_password_once(security_client, target):
    _lock(target.username)
    response = security_client.post(reverse("accounts:user_reset_password", args=[target.pk]))
    password = response.context["password"]
    assert password in response.text
    assert "no-store" in response["Cache-Control"]  # not kept by the browser's cache either
    assert len(password) >= 10
    assert sum(any(test(ch) for ch in password) for test in (str.isupper, str.islower, str.isdigit,
                                                              lambda ch: not ch.isalnum())) >= 3
    target.refresh_from_db()
    assert target.check_password(password)
    assert Profile.objects.get(user=target).must_change_password
    assert not AccessAttempt.objects.filter(username=target.username).exists()


def test_unlock_lifts_the_lockout(security_client, target):
    _lock(target.username)
    page = security_client.get(reverse("accounts:user_detail", args=[target.pk]))
    assert page.context["account"].is_locked
    response = security_client.post(reverse("accounts:user_unlock", args=[target.pk]), follow=True)
    assert "账号“zhangsan”已解除锁定" in response.text
    assert not AccessAttempt.objects.filter(username=target.username).exists()


def test_acting_on_oneself_is_refused_with_a_message(security_client, security_admin):
    response = security_client.post(reverse("accounts:user_update", args=[security_admin.pk]), {
        "full_name": "安全管理员甲", "role": Role.SYSTEM_ADMIN,
    })
    assert response.status_code == 200
    assert messages.NOT_ON_SELF in response.text
    for name in ACTIONS:
        response = security_client.post(reverse(f"accounts:{name}", args=[security_admin.pk]), follow=True)
        assert messages.NOT_ON_SELF in response.text, name
    security_admin.refresh_from_db()
    assert security_admin.is_active
    assert [g.name for g in security_admin.groups.all()] == [Role.SECURITY_ADMIN]
    assert not _account_events(security_admin).exists()


def test_post_without_csrf_token_is_refused_and_changes_nothing(security_admin, target):
    client = log_in(Client(enforce_csrf_checks=True), security_admin)
    urls = [reverse(f"accounts:{name}", args=[target.pk]) for name in ("user_update", *ACTIONS)]
    for url in urls:
        assert client.post(url, {"full_name": "改名", "role": Role.AUDIT_ADMIN}).status_code == 403, url
    response = client.post(reverse("accounts:user_create"), {
        "username": "csrf", "full_name": "无令牌", "password": VALID_PASSWORD, "password_confirm": VALID_PASSWORD,
    })
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert target.first_name == "张三"
    assert target.check_password("Test-pass-2026")
    assert [g.name for g in target.groups.all()] == [Role.PERSONNEL]
    assert not User.objects.filter(username="csrf").exists()
    assert not _account_events(target).exists()


# --- the list ---------------------------------------------------------------------------------


def _accounts(n: int):
    departments = [DepartmentFactory() for _ in range(3)]
    roles = [Role.PERSONNEL, Role.LEADER, Role.DEPARTMENT_HEAD, Role.DISCIPLINE]
    for i in range(n):
        role = roles[i % len(roles)]
        user = role_user(role, username=f"u{i:03d}", first_name=f"用户{i}",
                         departments=departments[: 1 + i % 3] if role == Role.DEPARTMENT_HEAD else ())
        if i % 5 == 0:
            _lock(user.username)


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow_with_accounts(security_client, django_assert_num_queries, n):
    _accounts(n)
    # 1 session, 1 user, 1 the verified TOTP device (django-otp), 2 permission look-ups (user and
    # group perms, cached for the request), 1 count, 1 page of accounts (profile joined, recent
    # failures and state computed in SQL), 1 prefetch of their roles, 1 prefetch of their scope
    # with its departments, 1 the user's roles in the top bar, 1 the navigation's count of moves
    # awaiting the security administrator's confirmation, and 3 to refresh the session's idle
    # timeout (savepoint, update, release). Nothing per account.
    with django_assert_num_queries(14):
        response = security_client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert response.context["paginator"].count == User.objects.count() >= n


def test_list_shows_role_scope_and_state(security_client):
    office = DepartmentFactory(name="办公室")
    head = role_user(Role.DEPARTMENT_HEAD, username="keshi1", first_name="科长甲", departments=[office])
    Profile.objects.filter(user=head).update(display_title="办公室主任")
    old = role_user(Role.PERSONNEL, username="old")
    User.objects.filter(pk=old.pk).update(is_active=False)
    _lock("keshi1")
    _lock("old", minutes_ago=31)  # an expired lockout
    response = security_client.get(reverse("accounts:user_list"))
    rows = {account.username: account for account in response.context["accounts"]}
    assert rows["keshi1"].is_locked
    assert [grant.content_object for grant in rows["keshi1"].scope_grants] == [office]
    assert not rows["old"].is_locked
    assert not rows["old"].is_active
    for text in ("办公室主任", "科室负责人", "办公室", "锁定", "停用"):
        assert text in response.text


def test_list_filters_by_text_role_and_state(security_client, target):
    role_user(Role.LEADER, username="lingdao1", first_name="局领导甲")
    disabled = role_user(Role.DISCIPLINE, username="jijian1")
    User.objects.filter(pk=disabled.pk).update(is_active=False)
    _lock("lingdao1")
    service_account("import_roster")

    def usernames(**params):
        response = security_client.get(reverse("accounts:user_list"), params)
        return [account.username for account in response.context["accounts"]]

    assert usernames(q="张") == ["zhangsan"]
    assert usernames(q="LINGDAO") == ["lingdao1"]
    assert usernames(role=Role.LEADER) == ["lingdao1"]
    assert usernames(state="locked") == ["lingdao1"]
    assert usernames(state="disabled") == ["jijian1"]
    assert usernames(state="service") == ["import_roster"]
    assert "import_roster" not in usernames(state="active")
    assert usernames(role="none") == ["import_roster"]


def test_service_accounts_are_listed_but_cannot_be_acted_on(security_client):
    robot = service_account("import_roster")
    response = security_client.get(reverse("accounts:user_list"))
    assert "系统任务账号" in response.text
    detail = security_client.get(reverse("accounts:user_detail", args=[robot.pk]))
    assert detail.status_code == 200
    assert SERVICE_ACCOUNT_FIXED in detail.text
    assert reverse("accounts:user_enable", args=[robot.pk]) not in detail.text
    for name in ("user_update", *ACTIONS):
        assert security_client.post(reverse(f"accounts:{name}", args=[robot.pk])).status_code == 404, name
    robot.refresh_from_db()
    assert not robot.is_active
    assert not robot.has_usable_password()


def test_account_pages_show_no_cadre_data_and_no_audit_log(security_client, security_admin):
    office = DepartmentFactory(name="办公室")
    CadreFactory(name="欧阳保密", department=office)
    head = role_user(Role.DEPARTMENT_HEAD, username="keshi1", departments=[office])
    security_client.post(reverse("accounts:user_disable", args=[head.pk]), {"reason": "原因标记XYZ"})
    for url in (reverse("accounts:user_list"), reverse("accounts:user_detail", args=[head.pk])):
        text = security_client.get(url).text
        assert "欧阳保密" not in text
        assert "原因标记XYZ" not in text  # the audit row's detail
