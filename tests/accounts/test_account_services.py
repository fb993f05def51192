"""The account services: password rules, one role per account, scope only for the scoped role."""

import string

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError

from cadre_office.accounts import messages
from cadre_office.accounts.messages import SCOPE_REQUIRED, SERVICE_ACCOUNT_FIXED
from cadre_office.accounts.models import ChangeRequest, LoginSession, Profile
from cadre_office.accounts.roles import Role
from cadre_office.accounts.services import (
    account_change_role,
    account_create,
    account_disable,
    account_enable,
    account_reset_password,
    account_reset_temporary_password,
    account_role,
    account_scope,
    account_set_role,
    account_set_scope,
    account_unlock,
    account_update,
    change_request_confirm,
    temporary_password,
)
from cadre_office.audit.models import AuditEvent
from cadre_office.history import service_account
from tests.factories import DepartmentFactory, grant_role, role_user

pytestmark = pytest.mark.django_db

User = get_user_model()
Event = AuditEvent.Event
PASSWORD = "Chushi-2026-mm"


@pytest.fixture
def admin(db):
    return role_user(Role.SECURITY_ADMIN, username="anquan1")


def _rows(user, event=None):
    rows = AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk))
    return rows.filter(event=event) if event else rows


def _open_session(user) -> str:
    """Open a session for ``user`` as a login does, and return its key."""
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    LoginSession.objects.create(user=user, session_key=store.session_key)
    return store.session_key


# --- account_create ---------------------------------------------------------------------------


@pytest.mark.parametrize("password, reason", [
    ("Ab1-xyz", "shorter than 10"),
    ("abcdefghij", "one class"),
    ("abcdefgh12", "two classes"),
    ("Zhangsan-2026", "similar to the username"),
    ("1234567890", "numeric and common"),
])
def test_create_enforces_the_password_rules(admin, password, reason):
    with pytest.raises(ValidationError) as exc:
        account_create(actor=admin, username="zhangsan", full_name="张三", password=password)
    assert "password" in exc.value.message_dict, reason
    assert not User.objects.filter(username="zhangsan").exists()
    assert not AuditEvent.objects.filter(event=Event.ACCOUNT_CREATE).exists()


def test_create_refuses_a_username_taken_in_another_case(admin):
    account_create(actor=admin, username="zhangsan", full_name="张三", password=PASSWORD)
    with pytest.raises(ValidationError) as exc:
        account_create(actor=admin, username=" ZhangSan ", full_name="另一个张三", password=PASSWORD)
    assert exc.value.message_dict == {"username": [messages.USERNAME_TAKEN]}
    assert User.objects.filter(username__iexact="zhangsan").count() == 1


def test_create_makes_an_account_that_must_change_its_password(admin):
    user = account_create(actor=admin, username="zhangsan", full_name=" 张三 ", password=PASSWORD,
                          display_title="科员")
    profile = Profile.objects.get(user=user)
    assert (user.first_name, profile.display_title, profile.created_by) == ("张三", "科员", admin)
    assert profile.must_change_password
    assert user.check_password(PASSWORD)
    assert account_role(user) is None
    row = _rows(user).get()
    assert (row.event, row.user, row.outcome) == (Event.ACCOUNT_CREATE, admin, "success")


def test_create_with_a_scoped_role_needs_departments(admin):
    with pytest.raises(ValidationError) as exc:
        account_create(actor=admin, username="keshi1", full_name="科长", password=PASSWORD,
                       role=Role.DEPARTMENT_HEAD)
    assert exc.value.message_dict == {"departments": [SCOPE_REQUIRED]}
    assert not User.objects.filter(username="keshi1").exists()
    office = DepartmentFactory()
    user = account_create(actor=admin, username="keshi1", full_name="科长", password=PASSWORD,
                          role=Role.DEPARTMENT_HEAD, departments=[office])
    # 科室负责人 exports personal data: the grant, scope included, waits for a second person.
    assert account_role(user) is None and list(account_scope(user)) == []
    change = ChangeRequest.objects.get(target_user=user, state="pending")
    assert change.payload["departments"] == [{"id": office.pk, "name": office.name}]


def test_create_with_a_role_without_second_factor_grants_it_at_once(admin):
    user = account_create(actor=admin, username="jijian1", full_name="纪检", password=PASSWORD,
                          role=Role.DISCIPLINE)
    assert account_role(user) == Role.DISCIPLINE
    assert not ChangeRequest.objects.exists()


# --- account_set_role -------------------------------------------------------------------------


def test_set_role_keeps_exactly_one_role(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan")
    grant_role(user, Role.AUDIT_ADMIN, requested_by=admin)
    assert [group.name for group in user.groups.all()] == [Role.AUDIT_ADMIN]
    account_set_role(actor=admin, user=user, role=Role.DISCIPLINE)
    assert [group.name for group in user.groups.all()] == [Role.DISCIPLINE]
    rows = _rows(user, Event.ROLE_CHANGE).order_by("id")
    assert [(row.detail["from"], row.detail["to"]) for row in rows] == [
        (Role.PERSONNEL, Role.AUDIT_ADMIN), (Role.AUDIT_ADMIN, Role.DISCIPLINE),
    ]


@pytest.mark.parametrize("role", [Role.PERSONNEL, Role.LEADER, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN])
def test_set_role_refuses_a_person_granting_a_second_factor_role_alone(admin, role):
    user = role_user(Role.DISCIPLINE, username="zhangsan")
    with pytest.raises(ValidationError) as exc:
        account_set_role(actor=admin, user=user, role=role)
    assert exc.value.message_dict == {"role": [messages.ROLE_NEEDS_CONFIRMATION]}
    assert account_role(user) == Role.DISCIPLINE
    assert not _rows(user).exists()


def test_the_operators_command_account_grants_a_second_factor_role_at_once():
    user = role_user(Role.DISCIPLINE, username="zhangsan")
    account_set_role(actor=service_account("create_account"), user=user, role=Role.PERSONNEL)
    assert account_role(user) == Role.PERSONNEL


def test_change_role_asks_for_a_grant_and_removes_at_once(admin):
    user = role_user(Role.DISCIPLINE, username="zhangsan")
    change = account_change_role(actor=admin, user=user, role=Role.LEADER, reason="调任局领导")
    assert (change.kind, change.state, change.payload["role"], change.reason) == (
        "grant_role", "pending", Role.LEADER, "调任局领导")
    assert account_role(user) == Role.DISCIPLINE
    assert _rows(user, Event.CHANGE_REQUEST).get().user == admin
    # Taking a role away, or moving to one without a second factor, needs nobody else.
    leader = role_user(Role.LEADER, username="lingdao9")
    assert account_change_role(actor=admin, user=leader, role=Role.DISCIPLINE) is None
    assert account_role(leader) == Role.DISCIPLINE
    assert account_change_role(actor=admin, user=leader, role=None) is None
    assert account_role(leader) is None


def test_set_role_clears_the_scope_when_leaving_the_scoped_role(admin):
    office = DepartmentFactory(name="办公室")
    user = role_user(Role.DEPARTMENT_HEAD, username="keshi1", departments=[office])
    account_set_role(actor=admin, user=user, role=Role.DISCIPLINE)
    assert list(account_scope(user)) == []
    assert _rows(user, Event.ROLE_CHANGE).get().detail == {
        "from": Role.DEPARTMENT_HEAD, "to": Role.DISCIPLINE, "scope_cleared": ["办公室"],
    }


def test_set_role_to_the_same_role_writes_nothing(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan")
    account_set_role(actor=admin, user=user, role=Role.PERSONNEL)
    assert not _rows(user).exists()


def test_set_role_ends_the_accounts_sessions(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan")
    key = _open_session(user)
    account_set_role(actor=admin, user=user, role=Role.DISCIPLINE)
    assert not Session.objects.filter(session_key=key).exists()
    assert not LoginSession.objects.filter(user=user).exists()


def test_set_role_refuses_unknown_roles_and_oneself(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan")
    with pytest.raises(ValidationError):
        account_set_role(actor=admin, user=user, role="超级管理员")
    with pytest.raises(PermissionDenied):
        account_set_role(actor=admin, user=admin, role=Role.SYSTEM_ADMIN)
    assert [group.name for group in admin.groups.all()] == [Role.SECURITY_ADMIN]


# --- account_set_scope ------------------------------------------------------------------------


def test_set_scope_only_for_the_scoped_role(admin):
    office = DepartmentFactory()
    user = role_user(Role.PERSONNEL, username="zhangsan")
    with pytest.raises(ValidationError) as exc:
        account_set_scope(actor=admin, user=user, departments=[office])
    assert exc.value.message_dict == {"departments": [messages.SCOPE_NEEDS_SCOPED_ROLE]}
    assert list(account_scope(user)) == []
    account_set_scope(actor=admin, user=user, departments=[])  # nothing to refuse
    assert not _rows(user).exists()


def test_set_scope_grants_departments_and_records_from_and_to(admin):
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    user = role_user(Role.DEPARTMENT_HEAD, username="keshi1", departments=[office])
    account_set_scope(actor=admin, user=user, departments=[finance])
    assert list(account_scope(user)) == [finance]
    assert _rows(user, Event.SCOPE_CHANGE).get().detail == {"from": ["办公室"], "to": ["财务科"]}
    account_set_scope(actor=admin, user=user, departments=[finance])
    assert _rows(user).count() == 1


# --- account_update ---------------------------------------------------------------------------


def test_update_is_all_or_nothing(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan", first_name="张三")
    with pytest.raises(ValidationError):
        account_update(actor=admin, user=user, full_name="张三丰", role=Role.LEADER,
                       departments=[DepartmentFactory()])
    user.refresh_from_db()
    assert user.first_name == "张三"
    assert account_role(user) == Role.PERSONNEL
    assert not _rows(user).exists()


def test_update_writes_one_row_per_kind_of_change(admin):
    office = DepartmentFactory(name="办公室")
    user = role_user(Role.PERSONNEL, username="zhangsan", first_name="张三")
    change = account_update(actor=admin, user=user, full_name="张三", display_title="主任",
                            role=Role.DEPARTMENT_HEAD, departments=[office])
    # The title takes effect; the role and its scope wait for the second person.
    assert sorted(_rows(user).values_list("event", flat=True)) == sorted([Event.UPDATE, Event.CHANGE_REQUEST])
    assert _rows(user, Event.UPDATE).get().detail == {"display_title": {"from": "", "to": "主任"}}
    change_request_confirm(actor=role_user(Role.LEADER, username="lingdao1"), request=change)
    assert sorted(_rows(user).values_list("event", flat=True)) == sorted([
        Event.UPDATE, Event.CHANGE_REQUEST, Event.ROLE_CHANGE, Event.SCOPE_CHANGE, Event.ACTIVATION_ISSUED,
        Event.CHANGE_CONFIRM])
    assert list(account_scope(user)) == [office]


# --- passwords, disable, unlock, service accounts ---------------------------------------------


def test_temporary_password_passes_every_rule():
    passwords = {temporary_password(username="zhangsan", full_name="张三") for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        validate_password(password, User(username="zhangsan"))
        assert len(password) >= 10
        classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits)
        assert all(any(ch in chars for ch in password) for chars in classes)
        assert any(not ch.isalnum() for ch in password)


def test_reset_password_forces_a_change_ends_sessions_and_unlocks(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan")
    key = _open_session(user)
    AccessAttempt.objects.create(username="zhangsan", ip_address="10.0.0.1", user_agent="t", http_accept="",
                                 path_info="/", get_data="", post_data="", failures_since_start=5)
    password = account_reset_temporary_password(actor=admin, user=user)
    user.refresh_from_db()
    assert user.check_password(password)
    assert Profile.objects.get(user=user).must_change_password
    assert not Session.objects.filter(session_key=key).exists()
    assert not AccessAttempt.objects.filter(username="zhangsan").exists()
    assert _rows(user, Event.PASSWORD_RESET).count() == 1
    assert password not in str(list(_rows(user).values_list("detail", flat=True)))


def test_disable_ends_sessions_and_is_written_once(admin):
    user = role_user(Role.PERSONNEL, username="zhangsan")
    key = _open_session(user)
    account_disable(actor=admin, user=user, reason="调离")
    account_disable(actor=admin, user=user, reason="调离")
    user.refresh_from_db()
    assert not user.is_active
    assert not Session.objects.filter(session_key=key).exists()
    assert _rows(user, Event.ACCOUNT_DISABLE).count() == 1
    account_enable(actor=admin, user=user)
    assert User.objects.get(pk=user.pk).is_active


def test_unlock_refuses_oneself(admin):
    with pytest.raises(PermissionDenied):
        account_unlock(actor=admin, user=admin)


def test_service_accounts_cannot_be_turned_into_logins(admin):
    robot = service_account("import_roster")
    attempts = [
        lambda: account_enable(actor=admin, user=robot),
        lambda: account_reset_password(actor=admin, user=robot, password=PASSWORD),
        lambda: account_set_role(actor=admin, user=robot, role=Role.PERSONNEL),
        lambda: account_update(actor=admin, user=robot, full_name="机器人"),
        lambda: account_unlock(actor=admin, user=robot),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert exc.value.messages == [SERVICE_ACCOUNT_FIXED]
    robot.refresh_from_db()
    assert not robot.is_active
    assert not robot.has_usable_password()
    assert not robot.groups.exists()
