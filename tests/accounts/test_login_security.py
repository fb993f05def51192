"""Login security (docs/security.md items 5–8 and 15): passwords, sessions, lockout, audit, second factor."""

import datetime as dt
import json
import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts import messages
from cadre_office.accounts.middleware import (
    OWES_PASSWORD_CHANGE,
    OWES_SECOND_FACTOR,
    POLICY_VERSION_KEY,
    AccountPolicyMiddleware,
)
from cadre_office.accounts.models import ActivationCode, LoginSession, Profile
from cadre_office.accounts.roles import (
    ADMIN_ROLES,
    PERSONAL_DATA_PERMISSIONS,
    SECOND_FACTOR_ROLES,
    SENSITIVE_ROLES,
    Role,
)
from cadre_office.accounts.services import account_disable, activation_code_issue
from cadre_office.audit.models import AuditEvent
from cadre_office.history import service_account
from tests.factories import DepartmentFactory, UserFactory, role_user

pytestmark = pytest.mark.django_db

PASSWORD = "Test-pass-2026"
NEW_PASSWORD = "Xin-mima-2026"
Event, Outcome = AuditEvent.Event, AuditEvent.Outcome


# --- helpers -----------------------------------------------------------------------------------


def post_login(client, username, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


def totp_token(device, offset=0) -> str:
    """Return the token an authenticator app shows for ``device`` (``offset`` seconds from now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


def wrong_token(device) -> str:
    """Return a token no time step near now accepts."""
    near = {totp_token(device, offset) for offset in (-60, -30, 0, 30, 60)}
    return next(f"{n:06d}" for n in range(1, 100) if f"{n:06d}" not in near)


def lock(client, username, *, tries=5):
    """Fail ``tries`` logins for ``username``, each from another address, as a rotating attacker would."""
    responses = []
    for i in range(tries):
        responses.append(
            post_login(client, username, f"wrong-{i}", ip=f"10.9.{i}.{i + 1}", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
                       HTTP_USER_AGENT=f"bot/{i}")
        )
    return responses


def move_attempts_back(minutes):
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=minutes))


@pytest.fixture
def staff(db):
    # 纪检监察 reads cadre pages without a second factor: the password rules alone are under test here.
    return role_user(Role.DISCIPLINE, username="jijian", password=PASSWORD)


# --- passwords (item 5) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_password",
    [
        pytest.param("Ab1-short", id="fewer-than-10-characters"),
        pytest.param("mimamima2026", id="only-2-character-classes"),
        pytest.param("Zhangweidong1", id="similar-to-the-username"),
        pytest.param("Password123", id="common"),
    ],
)
def test_change_page_refuses_a_password_breaking_a_rule(client, bad_password):
    user = role_user(Role.DISCIPLINE, username="zhangweidong", password=PASSWORD)
    post_login(client, "zhangweidong")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": bad_password, "new_password2": bad_password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_page_lists_the_rules_and_accepts_a_good_password(client, staff):
    post_login(client, "jijian")
    page = client.get(reverse("password_change")).content.decode()
    assert messages.PASSWORD_CLASSES.format(min_classes=3) in page
    assert "10" in page  # the minimum length, from Django's own help text

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # Still logged in, under a session the login's record follows (so disabling still ends it).
    assert logged_in_user_id(client) == str(staff.pk)
    assert LoginSession.objects.filter(user=staff, session_key=client.session.session_key).exists()
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(event=Event.PASSWORD_CHANGE, user=staff).count() == 1


def test_change_page_refuses_a_wrong_old_password(client, staff):
    post_login(client, "jijian")
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-the-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.context["form"].errors["old_password"] == [messages.OLD_PASSWORD_WRONG]


def _owes_change(client, user, password=PASSWORD):
    """Log in and check that every page leads to the password change, until it is done."""
    response = post_login(client, user.username, password)
    assert response.status_code == 302
    for url in (reverse("cadres:cadre_list"), reverse("home"), reverse("admin:index"), "/no-such-page/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("password_change")), url
    page = client.get(reverse("password_change"))
    assert messages.PASSWORD_CHANGE_REQUIRED.format(days=settings.PASSWORD_MAX_AGE_DAYS) in page.content.decode()

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
         "next": reverse("cadres:cadre_list")},
    )
    assert response["Location"] == reverse("cadres:cadre_list")
    assert client.get(reverse("cadres:cadre_list")).status_code == 200
    profile = Profile.objects.get(user=user)
    assert not profile.must_change_password and not profile.password_expired()


def test_first_login_must_change_the_password_before_anything_else(client, staff):
    Profile.objects.filter(user=staff).update(must_change_password=True)
    _owes_change(client, staff)


def test_a_password_90_days_old_must_be_changed(client, staff):
    Profile.objects.filter(user=staff).update(password_changed_at=timezone.now() - dt.timedelta(days=90))
    _owes_change(client, staff)


def test_a_password_89_days_old_is_still_good(client, staff):
    Profile.objects.filter(user=staff).update(password_changed_at=timezone.now() - dt.timedelta(days=89))
    post_login(client, "jijian")
    assert client.get(reverse("cadres:cadre_list")).status_code == 200


def test_an_account_without_profile_must_change_its_password(client, staff):
    Profile.objects.filter(user=staff).delete()
    _owes_change(client, staff)


def test_an_htmx_request_owing_a_step_is_told_to_load_the_step_as_a_page(client, staff):
    Profile.objects.filter(user=staff).update(must_change_password=True)
    post_login(client, "jijian")
    response = client.get(reverse("cadres:cadre_list"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("password_change")
    assert not response.content


def test_the_policy_costs_an_ordinary_request_no_query(django_assert_num_queries):
    def user_not_to_be_loaded():
        raise AssertionError("the middleware loaded the user")

    request = RequestFactory().get("/cadres/")
    request.session = {OWES_SECOND_FACTOR: False, OWES_PASSWORD_CHANGE: False}
    request.user = SimpleLazyObject(user_not_to_be_loaded)
    middleware = AccountPolicyMiddleware(lambda request: "the page")
    # Only the two session flags written at login are read: no user, profile or device look-up.
    with django_assert_num_queries(0):
        assert middleware(request) == "the page"


def test_a_session_logged_in_under_the_earlier_policy_is_ended_once(client):
    """Sessions opened before personnel staff owed a second factor do not keep their access without one."""
    renshi = role_user(Role.PERSONNEL, username="renshi", password=PASSWORD)
    TOTPDevice.objects.create(user=renshi, name="手机", confirmed=True)
    client.post(reverse("login"), {"username": "renshi", "password": PASSWORD})
    session = client.session
    del session[POLICY_VERSION_KEY]
    session[OWES_SECOND_FACTOR] = False  # as the old policy computed it for this role
    session.save()
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert logged_in_user_id(client) is None
    client.post(reverse("login"), {"username": "renshi", "password": PASSWORD})
    assert client.get(reverse("cadres:cadre_list"))["Location"].startswith(reverse("otp_verify"))


# --- sessions (item 7) -------------------------------------------------------------------------


def test_login_gives_a_new_session_key(client, staff):
    before = client.session.session_key  # an anonymous session, as a fixation attack would plant
    post_login(client, "jijian")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert logged_in_user_id(client) == str(staff.pk)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert LoginSession.objects.get(user=staff).session_key == after


def test_logging_in_as_someone_else_in_the_same_browser_starts_a_new_recorded_session(client, staff):
    other = role_user(Role.DISCIPLINE, username="jijian2", password=PASSWORD)
    post_login(client, "jijian")
    first_key = client.session.session_key
    post_login(client, "jijian2")
    second_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert second_key != first_key
    assert logged_in_user_id(client) == str(other.pk)
    assert LoginSession.objects.get(user=other).session_key == second_key


def test_old_cookie_is_dead_after_logout(client, staff):
    post_login(client, "jijian")
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("logout")).status_code == 405  # POST only
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")

    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not LoginSession.objects.filter(user=staff).exists()


def test_disabling_an_account_ends_its_open_session(client, staff):
    post_login(client, "jijian")
    assert client.get(reverse("cadres:cadre_list")).status_code == 200
    admin = role_user(Role.SECURITY_ADMIN, username="anquan")
    account_disable(actor=admin, user=staff)
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not LoginSession.objects.filter(user=staff).exists()


def test_sessions_expire_after_30_idle_minutes_and_each_request_refreshes_them(client, staff):
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST
    post_login(client, "jijian")
    key = client.session.session_key

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get(reverse("cadres:cadre_list")).status_code == 200
    left = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < left <= dt.timedelta(minutes=30)

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- lockout (item 6) --------------------------------------------------------------------------


def test_five_failures_lock_the_username_whatever_address_each_try_claims(client, staff):
    responses = lock(client, "jijian")
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]

    response = post_login(client, "jijian", PASSWORD, ip="10.9.9.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    assert messages.LOCKED_OUT in response.content.decode()
    assert reverse("login") in response.content.decode()  # a way back to the login page
    assert logged_in_user_id(client) is None


def test_a_lockout_lasts_30_minutes(client, staff):
    lock(client, "jijian")
    move_attempts_back(29)
    assert post_login(client, "jijian").status_code == 429


def test_after_30_minutes_the_right_password_works_again(client, staff):
    lock(client, "jijian")
    assert post_login(client, "jijian").status_code == 429
    move_attempts_back(31)
    response = post_login(client, "jijian")
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(staff.pk)


def test_other_users_at_the_same_address_are_not_locked(client, staff):
    role_user(Role.DISCIPLINE, username="jijian2", password=PASSWORD)
    for i in range(5):
        post_login(client, "jijian", f"wrong-{i}", ip="10.0.0.1")
    assert post_login(client, "jijian", ip="10.0.0.1").status_code == 429

    response = post_login(client, "jijian2", ip="10.0.0.1")
    assert response.status_code == 302
    assert client.get(reverse("cadres:cadre_list")).status_code == 200


def test_login_page_itself_names_the_lockout_too(client, staff, settings):
    """Without axes' middleware the login form says it; the lockout page is the normal route."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "axes.middleware.AxesMiddleware"]
    lock(client, "jijian")
    response = post_login(client, "jijian")
    assert response.status_code == 200
    assert messages.LOCKED_OUT in response.content.decode()


# --- audit (item 15) ---------------------------------------------------------------------------


def test_login_and_logout_write_one_row_each(client, staff):
    post_login(client, "jijian", ip="10.1.2.3")
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.4")
    rows = list(AuditEvent.objects.order_by("id").values_list("event", "user", "username", "ip", "outcome"))
    assert rows == [
        (Event.LOGIN, staff.pk, "jijian", "10.1.2.3", Outcome.SUCCESS),
        (Event.LOGOUT, staff.pk, "jijian", "10.1.2.4", Outcome.SUCCESS),
    ]


def test_a_failed_login_writes_one_row_without_the_password(client, staff):
    post_login(client, "jijian", "Secret-Guess-99", ip="10.1.2.5")
    post_login(client, "nobody-by-this-name", "Other-Guess-99", ip="10.1.2.5")
    rows = AuditEvent.objects.order_by("id")
    assert [(r.event, r.username, r.ip, r.outcome, r.user_id) for r in rows] == [
        (Event.LOGIN_FAILED, "jijian", "10.1.2.5", Outcome.FAILURE, None),
        (Event.LOGIN_FAILED, "nobody-by-this-name", "10.1.2.5", Outcome.FAILURE, None),
    ]
    assert rows[0].object_id == str(staff.pk)  # which account was tried
    assert "Guess" not in json.dumps([list(r.__dict__.values()) for r in rows], default=str)


@pytest.mark.parametrize("reset_on_failure_during_lockout", [False, True])
def test_lockout_writes_one_row_and_refused_tries_one_denied_row_each(
    client, staff, settings, reset_on_failure_during_lockout
):
    # axes counts refused tries (and restarts the 30 minutes) only with this setting on: either way,
    # each try is one row, and the lockout one more.
    settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = reset_on_failure_during_lockout
    lock(client, "jijian")
    post_login(client, "jijian", PASSWORD, ip="10.7.7.7")
    post_login(client, "jijian", "Wrong-again-1", ip="10.7.7.8")

    rows = list(AuditEvent.objects.order_by("id").values_list("event", "outcome", "username", "ip"))
    failures = [(Event.LOGIN_FAILED, Outcome.FAILURE, "jijian", f"10.9.{i}.{i + 1}") for i in range(4)]
    assert rows == [
        *failures,
        (Event.LOCKOUT, Outcome.DENIED, "jijian", "10.9.4.5"),
        (Event.LOGIN_FAILED, Outcome.FAILURE, "jijian", "10.9.4.5"),
        (Event.LOGIN_FAILED, Outcome.DENIED, "jijian", "10.7.7.7"),
        (Event.LOGIN_FAILED, Outcome.DENIED, "jijian", "10.7.7.8"),
    ]
    lockout = AuditEvent.objects.get(event=Event.LOCKOUT)
    assert lockout.object_id == str(staff.pk)
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert PASSWORD not in everything and "wrong-" not in everything and "Wrong-again" not in everything


# --- second factor: administrators and roles that read full ID numbers or export (items 8 and 32) ----


@pytest.fixture
def sysadmin(db):
    return role_user(Role.SYSTEM_ADMIN, username="xitong", password=PASSWORD)


def issue_code(user) -> str:
    """Issue an activation code as the server operator's command does."""
    return activation_code_issue(actor=service_account("create_account"), user=user)


def activate(client, user) -> TOTPDevice:
    """Type in a fresh activation code (in lower case, grouped by spaces: both are accepted)."""
    code = issue_code(user)
    response = client.post(reverse("otp_setup"), {"activation_code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_setup"))
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_an_administrator_without_a_device_is_sent_to_enrol(client, sysadmin):
    response = post_login(client, "xitong")
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))
    # Every page, the password change included, waits for the second factor.
    for url in (reverse("home"), reverse("password_change"), reverse("admin:index")):
        assert client.get(url)["Location"].startswith(reverse("otp_setup")), url

    # The first step asks for the activation code: no secret shown, no device written.
    page = client.get(reverse("otp_setup"))
    html = page.content.decode()
    assert page.context["activation_step"] and 'name="activation_code"' in html
    assert "secret" not in page.context and "data:image/svg+xml" not in html
    assert messages.OTP_REQUIRED in html
    assert not TOTPDevice.objects.filter(user=sysadmin).exists()


def test_the_activation_code_opens_the_qr_code_which_a_reload_keeps(client, sysadmin):
    post_login(client, "xitong")
    device = activate(client, sysadmin)
    page = client.get(reverse("otp_setup"))
    html = page.content.decode()
    assert not page.context["activation_step"]
    assert 'src="data:image/svg+xml;base64,' in html
    assert page.context["secret"].replace(" ", "") in device.config_url
    # Reloading the page keeps the same secret (the app may already have scanned it).
    client.get(reverse("otp_setup"))
    assert list(TOTPDevice.objects.filter(user=sysadmin)) == [device]


def test_enrolling_with_a_wrong_token_lets_nobody_in(client, sysadmin):
    post_login(client, "xitong")
    device = activate(client, sysadmin)
    response = client.post(reverse("otp_setup"), {"otp_token": wrong_token(device)})
    assert response.status_code == 200
    assert response.context["form"].errors["otp_token"] == [messages.OTP_INVALID]
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))
    assert AuditEvent.objects.filter(event=Event.OTP_FAILED, user=sysadmin, outcome=Outcome.FAILURE).count() == 1


def test_enrolling_with_the_right_token_lets_the_administrator_in(client, sysadmin):
    post_login(client, "xitong")
    device = activate(client, sysadmin)
    key_before = client.session.session_key
    response = client.post(
        reverse("otp_setup"), {"otp_token": totp_token(device), "next": reverse("cadres:department_list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cadres:department_list")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("cadres:department_list")).status_code == 200
    # Passing the second factor is a new session, which the login's record follows.
    assert client.session.session_key != key_before
    assert LoginSession.objects.get(user=sysadmin).session_key == client.session.session_key
    assert AuditEvent.objects.filter(event=Event.OTP_ENROLLED, user=sysadmin).count() == 1
    # The code is spent.
    assert ActivationCode.objects.get(user=sysadmin).used_at is not None


@pytest.fixture
def enrolled_sysadmin(sysadmin):
    TOTPDevice.objects.create(user=sysadmin, name="手机", confirmed=True)
    return sysadmin


def test_an_enrolled_administrator_is_asked_for_a_token_and_cannot_enrol_another_device(client, enrolled_sysadmin):
    response = post_login(client, "xitong")
    assert client.get(response["Location"])["Location"].startswith(reverse("otp_verify"))
    # A password alone cannot add a device of the attacker's own.
    assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.filter(user=enrolled_sysadmin).count() == 1


def test_a_wrong_token_is_refused_and_audited_and_the_right_one_lets_in(client, enrolled_sysadmin):
    device = TOTPDevice.objects.get(user=enrolled_sysadmin)
    post_login(client, "xitong")
    response = client.post(reverse("otp_verify"), {"otp_token": wrong_token(device)})
    assert messages.OTP_INVALID in response.content.decode()
    assert client.get(reverse("cadres:department_list"))["Location"].startswith(reverse("otp_verify"))
    assert AuditEvent.objects.filter(event=Event.OTP_FAILED, user=enrolled_sysadmin).count() == 1

    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # past the one-second back-off of one failure
    device.save()
    response = client.post(
        reverse("otp_verify"), {"otp_token": totp_token(device), "next": reverse("cadres:department_list")}
    )
    assert response["Location"] == reverse("cadres:department_list")
    assert client.get(reverse("cadres:department_list")).status_code == 200


def test_repeated_wrong_tokens_are_throttled(client, enrolled_sysadmin):
    device = TOTPDevice.objects.get(user=enrolled_sysadmin)
    post_login(client, "xitong")
    for _ in range(3):
        client.post(reverse("otp_verify"), {"otp_token": wrong_token(device)})
    # Now even the right token waits out django-otp's back-off (4 seconds after 3 failures).
    response = client.post(reverse("otp_verify"), {"otp_token": totp_token(device)})
    assert response.status_code == 200
    assert messages.OTP_INVALID in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.OTP_FAILED, user=enrolled_sysadmin).count() == 4

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=1)
    )
    response = client.post(reverse("otp_verify"), {"otp_token": totp_token(device)})
    assert response.status_code == 302


def test_a_token_is_used_once(client, enrolled_sysadmin):
    device = TOTPDevice.objects.get(user=enrolled_sysadmin)
    token = totp_token(device)
    post_login(client, "xitong")
    assert client.post(reverse("otp_verify"), {"otp_token": token}).status_code == 302
    client.post(reverse("logout"))
    post_login(client, "xitong")
    response = client.post(reverse("otp_verify"), {"otp_token": token})
    assert response.status_code == 200  # a replayed token is refused
    assert messages.OTP_INVALID in response.content.decode()


def test_the_roles_with_a_second_factor_are_derived_from_the_permissions():
    assert {Role.PERSONNEL, Role.LEADER, Role.DEPARTMENT_HEAD, Role.AUDIT_ADMIN} == SENSITIVE_ROLES
    assert SECOND_FACTOR_ROLES == ADMIN_ROLES | SENSITIVE_ROLES
    # Whatever a migration gave the groups: every group holding a personal-data permission signs in with TOTP.
    for group in Group.objects.filter(name__in=Role.values).prefetch_related("permissions__content_type"):
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert bool(held & PERSONAL_DATA_PERMISSIONS) == (group.name in SENSITIVE_ROLES), group.name


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR_ROLES))
def test_every_role_that_reads_full_numbers_or_exports_and_every_administrator_owes_the_second_factor(
        client, role):
    role_user(role, username="guanli", password=PASSWORD,
              departments=[DepartmentFactory()] if role == Role.DEPARTMENT_HEAD else ())
    post_login(client, "guanli")
    assert client.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))


@pytest.mark.parametrize("role", sorted(set(Role) - SECOND_FACTOR_ROLES))
def test_other_roles_are_not_asked_for_a_second_factor(client, role):
    role_user(role, username="putong", password=PASSWORD)
    post_login(client, "putong")
    response = client.get(reverse("cadres:cadre_list"))
    assert response.status_code in (200, 403)  # whatever the role may see, no TOTP step
    assert client.get(reverse("otp_setup"))["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert not TOTPDevice.objects.exists()


def test_an_account_without_a_role_is_not_asked_for_a_second_factor(client):
    user = UserFactory(username="wujuese", password=PASSWORD)
    Profile.objects.create(user=user, password_changed_at=timezone.now(), must_change_password=False)
    post_login(client, "wujuese")
    assert client.get(reverse("cadres:cadre_list")).status_code == 403


# --- the login of an account that owes a second factor (issue 11, item 6) -------------------------


def _login_rows(user):
    return list(AuditEvent.objects.filter(user=user).order_by("id").values_list("event", "outcome", "detail"))


def test_a_password_alone_is_not_a_login_the_accepted_token_is(client, enrolled_sysadmin):
    """The password writes 密码验证通过 (a token still owed), a wrong token 动态口令错误, the right one 登录."""
    device = TOTPDevice.objects.get(user=enrolled_sysadmin)
    post_login(client, "xitong", ip="10.1.2.3")
    assert _login_rows(enrolled_sysadmin) == [(Event.PASSWORD_VERIFIED, Outcome.SUCCESS, {"pending": "verify"})]

    client.post(reverse("otp_verify"), {"otp_token": wrong_token(device)}, REMOTE_ADDR="10.1.2.3")
    device.refresh_from_db()
    device.throttling_failure_timestamp = None
    device.save()
    client.post(reverse("otp_verify"), {"otp_token": totp_token(device)}, REMOTE_ADDR="10.1.2.3")
    assert _login_rows(enrolled_sysadmin) == [
        (Event.PASSWORD_VERIFIED, Outcome.SUCCESS, {"pending": "verify"}),
        (Event.OTP_FAILED, Outcome.FAILURE, {"step": "verify"}),
        (Event.LOGIN, Outcome.SUCCESS, {"second_factor": "verify"}),
    ]
    assert set(AuditEvent.objects.filter(user=enrolled_sysadmin).values_list("ip", flat=True)) == {"10.1.2.3"}


def test_a_password_accepted_and_a_token_never_given_leaves_no_login(client, enrolled_sysadmin):
    post_login(client, "xitong")
    client.post(reverse("otp_verify"), {"otp_token": wrong_token(TOTPDevice.objects.get(user=enrolled_sysadmin))})
    client.post(reverse("logout"))
    events = [event for event, _, _ in _login_rows(enrolled_sysadmin)]
    assert events == [Event.PASSWORD_VERIFIED, Event.OTP_FAILED, Event.LOGOUT]


def test_enrolling_the_authenticator_completes_the_login(client, sysadmin):
    post_login(client, "xitong")
    device = activate(client, sysadmin)
    client.post(reverse("otp_setup"), {"otp_token": totp_token(device)})
    events = [(event, detail) for event, _, detail in _login_rows(sysadmin)
              if event in (Event.PASSWORD_VERIFIED, Event.OTP_ENROLLED, Event.LOGIN)]
    assert [event for event, _ in events] == [Event.PASSWORD_VERIFIED, Event.OTP_ENROLLED, Event.LOGIN]
    assert events[0][1] == {"pending": "setup"} and events[2][1] == {"second_factor": "setup"}


def test_logging_in_again_in_a_session_that_passed_the_token_asks_for_it_again(client, enrolled_sysadmin):
    device = TOTPDevice.objects.get(user=enrolled_sysadmin)
    post_login(client, "xitong")
    client.post(reverse("otp_verify"), {"otp_token": totp_token(device)})
    assert client.get(reverse("cadres:department_list")).status_code == 200
    post_login(client, "xitong")  # the same account, the same browser
    assert client.get(reverse("cadres:department_list"))["Location"].startswith(reverse("otp_verify"))
    assert [event for event, _, _ in _login_rows(enrolled_sysadmin)] == [
        Event.PASSWORD_VERIFIED, Event.LOGIN, Event.PASSWORD_VERIFIED]


def test_a_locked_username_with_the_right_password_gets_no_password_verified_row(client, enrolled_sysadmin):
    lock(client, "xitong")
    assert post_login(client, "xitong").status_code == 429
    assert not AuditEvent.objects.filter(event__in=[Event.PASSWORD_VERIFIED, Event.LOGIN]).exists()


def test_the_right_password_resets_the_failure_count_even_before_the_token(client, enrolled_sysadmin):
    """axes counts password failures only: four wrong passwords, the right one, four more lock nothing."""
    lock(client, "xitong", tries=4)
    post_login(client, "xitong")
    client.post(reverse("logout"))
    responses = lock(client, "xitong", tries=4)
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert not AuditEvent.objects.filter(event=Event.LOCKOUT).exists()


def test_the_audit_log_reads_the_login_steps_in_chinese(client, enrolled_sysadmin):
    from cadre_office.audit.reports import detail_text

    device = TOTPDevice.objects.get(user=enrolled_sysadmin)
    post_login(client, "xitong")
    client.post(reverse("otp_verify"), {"otp_token": wrong_token(device)})
    rows = AuditEvent.objects.filter(user=enrolled_sysadmin).order_by("id")
    assert [(row.get_event_display(), detail_text(row)) for row in rows] == [
        ("密码验证通过", "待完成：输入动态口令"),
        ("动态口令错误", "环节：输入动态口令"),
    ]
