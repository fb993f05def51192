"""Two-person changes (docs/security.md item 32): a role grant or a second-factor reset waits for a second person.

Issue 10, item 1: anquan creating an account with the 人事干部 role could use it himself. Now the
account has no role until a 局领导 confirms, and the activation code that lets its holder enrol
an authenticator goes to the confirmer, not to the administrator.
"""

import io
import re
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts import messages
from cadre_office.accounts.models import AccountNotice, ChangeRequest, LoginSession
from cadre_office.accounts.roles import CONFIRM_PERMISSION, Role, sync_roles
from cadre_office.accounts.services import (
    account_change_role,
    account_role,
    change_request_cancel,
    change_request_confirm,
    change_request_grant,
    change_request_reject,
    change_request_second_factor_reset,
)
from cadre_office.audit.models import AuditEvent
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event
PASSWORD = "Chushi-2026-mm"


def totp_token(device, offset=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def people(db):
    return {
        "xitong": role_user(Role.SYSTEM_ADMIN, username="xitong", first_name="王某"),
        "anquan": role_user(Role.SECURITY_ADMIN, username="anquan", first_name="李某"),
        "lingdao": role_user(Role.LEADER, username="lingdao", first_name="赵局"),
        "lingdao2": role_user(Role.LEADER, username="lingdao2", first_name="钱局"),
    }


def _refused(call, message, change):
    """Assert ``call`` is refused with exactly ``message`` and the request is still pending."""
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        call()
    texts = exc.value.messages if isinstance(exc.value, ValidationError) else [str(exc.value)]
    assert texts == [message]
    change.refresh_from_db()
    assert change.state == "pending" and change.decided_by is None


# --- the grant, through the pages ------------------------------------------------------------------


def test_a_role_grant_waits_for_the_second_person_and_the_code_goes_to_the_confirmer(people):
    anquan, lingdao = people["anquan"], people["lingdao"]
    office = DepartmentFactory(name="办公室")
    cadre = CadreFactory(department=office)
    anquan_client = log_in(Client(), anquan)
    response = anquan_client.post(reverse("accounts:user_create"), {
        "username": "xinren", "full_name": "新人", "password": PASSWORD, "password_confirm": PASSWORD,
        "role": Role.PERSONNEL, "reason": "新调入人事科",
    })
    assert response.status_code == 302
    xinren = ChangeRequest.objects.get().target_user
    # The account exists, without the role: it can read nothing yet.
    assert account_role(xinren) is None
    new_client = Client()
    new_client.post(reverse("login"), {"username": "xinren", "password": PASSWORD})
    assert new_client.post(reverse("cadres:cadre_reveal_id", args=[cadre.pk])).status_code in (302, 403)
    assert cadre.id_number not in new_client.get(reverse("cadres:cadre_list")).content.decode()

    # The 局领导 sees it waiting, counted in the navigation, with exactly what changes.
    lingdao_client = log_in(Client(), lingdao)
    page = lingdao_client.get(reverse("accounts:change_list"))
    assert page.context["account_changes_count"] == 1
    assert re.search(r'data-testid="changes-count">1<', page.text)
    assert "新调入人事科" in page.text and "xinren" in page.text and "人事干部" in page.text
    change = page.context["to_confirm"][0]
    detail = lingdao_client.get(reverse("accounts:change_detail", args=[change.pk]))
    assert detail.context["refusal"] is None and detail.context["issues_code"]

    response = lingdao_client.post(reverse("accounts:change_detail", args=[change.pk]),
                                   {"decision": "confirm", "comment": "同意"})
    # Shown once, in answer to the POST, with the instruction to hand it over in person.
    code = response.context["code"]
    assert code in response.text and "当面交给" in response.text
    assert "no-store" in response["Cache-Control"]
    assert code not in lingdao_client.get(reverse("accounts:change_detail", args=[change.pk])).text
    assert account_role(xinren) == Role.PERSONNEL
    change.refresh_from_db()
    assert (change.state, change.decided_by, change.comment) == ("confirmed", lingdao, "同意")
    assert change.history.count() == 2  # asked, confirmed

    # The holder enrols with the code, then is told who asked and who confirmed.
    holder = Client()
    holder.post(reverse("login"), {"username": "xinren", "password": PASSWORD})
    assert holder.get(reverse("home"))["Location"].startswith(reverse("otp_setup"))
    holder.post(reverse("otp_setup"), {"activation_code": code})
    device = TOTPDevice.objects.get(user=xinren)
    response = holder.post(reverse("otp_setup"), {"otp_token": totp_token(device)})
    response = holder.get(response["Location"])
    assert response["Location"].startswith(reverse("account_notices"))
    notices = holder.get(reverse("account_notices"))
    assert "安全管理员 anquan（李某）申请、局领导 lingdao（赵局）确认" in notices.text
    assert "“无”改为“人事干部”" in notices.text


def test_the_confirmer_page_and_its_actions_are_closed_to_others(people):
    xinren = role_user(Role.DISCIPLINE, username="xinren")
    change = change_request_grant(actor=people["anquan"], user=xinren, role=Role.PERSONNEL, reason="调岗")
    for role in (Role.DISCIPLINE, Role.AUDIT_ADMIN, Role.DEPARTMENT_HEAD):
        client = log_in(Client(), role_user(role))
        assert client.get(reverse("accounts:change_list")).status_code == 403
        assert client.post(reverse("accounts:change_detail", args=[change.pk]),
                           {"decision": "confirm"}).status_code == 403
    # Personnel staff may ask for moves of units, so they have the page: with their own requests only.
    renshi_client = log_in(Client(), role_user(Role.PERSONNEL))
    assert renshi_client.get(reverse("accounts:change_list")).context["to_confirm"] == []
    assert renshi_client.post(reverse("accounts:change_detail", args=[change.pk]),
                              {"decision": "confirm"}).status_code == 404
    # The system administrator asks for resets, so he has the page; a grant is not his to see.
    xitong_client = log_in(Client(), people["xitong"])
    assert xitong_client.get(reverse("accounts:change_list")).status_code == 200
    assert xitong_client.get(reverse("accounts:change_detail", args=[change.pk])).status_code == 404
    change.refresh_from_db()
    assert change.state == "pending" and account_role(xinren) == Role.DISCIPLINE


# --- who may confirm -------------------------------------------------------------------------------


def test_the_confirmer_is_neither_the_requester_nor_the_target_nor_the_password_setter(people, settings):
    settings.ACCOUNT_CHANGE_CONFIRMER_ROLES = [Role.LEADER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN]
    sync_roles()
    anquan, xitong, lingdao, lingdao2 = people["anquan"], people["xitong"], people["lingdao"], people["lingdao2"]
    anquan2 = role_user(Role.SECURITY_ADMIN, username="anquan2")
    assert anquan.has_perm(CONFIRM_PERMISSION) and xitong.has_perm(CONFIRM_PERMISSION)

    xinren = role_user(Role.DISCIPLINE, username="xinren")
    grant = account_change_role(actor=anquan, user=xinren, role=Role.LEADER, reason="任命")
    _refused(lambda: change_request_confirm(actor=anquan, request=grant), messages.CHANGE_OWN_REQUEST, grant)
    _refused(lambda: change_request_reject(actor=anquan, request=grant, comment="x"), messages.CHANGE_OWN_REQUEST,
             grant)

    reset = change_request_second_factor_reset(actor=xitong, user=lingdao, reason="手机丢失")
    _refused(lambda: change_request_confirm(actor=lingdao, request=reset), messages.CHANGE_ON_SELF, reset)
    # Whoever set the account's current password may not also give it a second factor.
    log_in(Client(), anquan2).post(reverse("accounts:user_reset_password", args=[lingdao.pk]))
    _refused(lambda: change_request_confirm(actor=anquan2, request=reset), messages.CHANGE_KNOWS_PASSWORD, reset)

    assert change_request_confirm(actor=lingdao2, request=reset).activation_code
    assert change_request_confirm(actor=xitong, request=grant).activation_code
    assert account_role(xinren) == Role.LEADER
    with pytest.raises(ValidationError) as exc:
        change_request_reject(actor=lingdao2, request=grant, comment="晚了")
    assert exc.value.messages == [messages.CHANGE_NOT_PENDING.format(state="已确认")]


def test_by_default_only_leaders_confirm_account_changes(people):
    assert people["lingdao"].has_perm(CONFIRM_PERMISSION)
    for name in ("xitong", "anquan"):
        assert not people[name].has_perm(CONFIRM_PERMISSION)
    xinren = role_user(Role.DISCIPLINE, username="xinren")
    grant = change_request_grant(actor=people["anquan"], user=xinren, role=Role.PERSONNEL, reason="调岗")
    _refused(lambda: change_request_confirm(actor=people["xitong"], request=grant), messages.CHANGE_NOT_CONFIRMER,
             grant)


def test_one_pending_request_per_kind_and_account_and_only_the_requester_withdraws(people):
    xinren = role_user(Role.DISCIPLINE, username="xinren")
    grant = change_request_grant(actor=people["anquan"], user=xinren, role=Role.PERSONNEL, reason="调岗")
    with pytest.raises(ValidationError) as exc:
        change_request_grant(actor=people["anquan"], user=xinren, role=Role.LEADER, reason="又一次")
    assert exc.value.messages == [messages.CHANGE_ALREADY_PENDING.format(target="账号", kind="授予角色")]
    _refused(lambda: change_request_cancel(actor=people["lingdao"], request=grant), messages.CHANGE_NOT_YOURS, grant)
    change_request_cancel(actor=people["anquan"], request=grant)
    assert change_request_grant(actor=people["anquan"], user=xinren, role=Role.LEADER, reason="改任").is_pending


def test_only_the_security_administrator_asks_for_grants_and_a_reject_needs_a_comment(people):
    xinren = role_user(Role.DISCIPLINE, username="xinren")
    with pytest.raises(PermissionDenied):
        change_request_grant(actor=people["xitong"], user=xinren, role=Role.PERSONNEL, reason="x")
    grant = change_request_grant(actor=people["anquan"], user=xinren, role=Role.PERSONNEL, reason="调岗")
    with pytest.raises(ValidationError) as exc:
        change_request_reject(actor=people["lingdao"], request=grant, comment=" ")
    assert exc.value.message_dict == {"comment": [messages.CHANGE_COMMENT_REQUIRED]}
    change_request_reject(actor=people["lingdao"], request=grant, comment="人选未经党组研究")
    grant.refresh_from_db()
    assert (grant.state, grant.comment) == ("rejected", "人选未经党组研究")
    assert account_role(xinren) == Role.DISCIPLINE
    events = AuditEvent.objects.filter(object_id=str(xinren.pk)).order_by("id").values_list("event", flat=True)
    assert list(events) == [Event.CHANGE_REQUEST, Event.CHANGE_REJECT]


def test_confirming_a_grant_to_an_enrolled_account_issues_no_code(people):
    renshi = role_user(Role.PERSONNEL, username="renshi")
    TOTPDevice.objects.create(user=renshi, name="手机", confirmed=True)
    grant = change_request_grant(actor=people["anquan"], user=renshi, role=Role.LEADER, reason="提任")
    assert change_request_confirm(actor=people["lingdao"], request=grant).activation_code == ""
    assert TOTPDevice.objects.filter(user=renshi, confirmed=True).count() == 1


# --- resetting a second factor, end to end ---------------------------------------------------------


def test_a_second_factor_reset_from_request_to_the_holders_new_authenticator(people):
    renshi = role_user(Role.PERSONNEL, username="renshi", first_name="张人事", password=PASSWORD)
    old = TOTPDevice.objects.create(user=renshi, name="旧手机", confirmed=True)
    holder = log_in(Client(), renshi)
    LoginSession.objects.get_or_create(session_key=holder.session.session_key, defaults={"user": renshi})

    # The system administrator asks, on the account's page.
    xitong_client = log_in(Client(), people["xitong"])
    page = xitong_client.get(reverse("accounts:user_detail", args=[renshi.pk]))
    assert reverse("accounts:user_reset_otp", args=[renshi.pk]) in page.text
    assert xitong_client.post(reverse("accounts:user_reset_otp", args=[renshi.pk]), {"reason": ""}).status_code == 200
    response = xitong_client.post(reverse("accounts:user_reset_otp", args=[renshi.pk]), {"reason": "手机丢失"},
                                  follow=True)
    assert "待第二人确认" in response.text
    change = ChangeRequest.objects.get(kind="reset_second_factor")
    assert TOTPDevice.objects.filter(pk=old.pk).exists()  # nothing happens before the confirmation

    # A 局领导 confirms and gets the code; the old phone and the open session are gone.
    lingdao_client = log_in(Client(), people["lingdao"])
    response = lingdao_client.post(reverse("accounts:change_detail", args=[change.pk]), {"decision": "confirm"})
    code = response.context["code"]
    assert not TOTPDevice.objects.filter(user=renshi).exists()
    assert holder.get(reverse("cadres:cadre_list"))["Location"].startswith(reverse("login"))
    assert [row.event for row in AuditEvent.objects.filter(object_id=str(renshi.pk)).order_by("id")] == [
        Event.CHANGE_REQUEST, Event.OTP_RESET, Event.ACTIVATION_ISSUED, Event.CHANGE_CONFIRM]

    # The holder enrols a new phone with the code and is told who reset it, once.
    holder = Client()
    holder.post(reverse("login"), {"username": "renshi", "password": PASSWORD})
    holder.post(reverse("otp_setup"), {"activation_code": code})
    device = TOTPDevice.objects.get(user=renshi)
    response = holder.post(reverse("otp_setup"), {"otp_token": totp_token(device), "next": "/cadres/"})
    assert holder.get(response["Location"])["Location"].startswith(reverse("account_notices"))
    notices = holder.get(reverse("account_notices"))
    assert [notice.text[17:] for notice in notices.context["notices"]] == [messages.NOTICE_SECOND_FACTOR_RESET.format(
        requester="系统管理员 xitong（王某）", confirmer="局领导 lingdao（赵局）")]
    response = holder.post(reverse("account_notices"), {"ids": str(notices.context["notices"][0].pk),
                                                        "next": "/cadres/"})
    assert response["Location"] == "/cadres/"
    assert holder.get("/cadres/").status_code == 200


def test_a_reset_is_only_for_roles_with_a_second_factor(people):
    jijian = role_user(Role.DISCIPLINE, username="jijian")
    with pytest.raises(ValidationError) as exc:
        change_request_second_factor_reset(actor=people["xitong"], user=jijian, reason="x")
    assert exc.value.messages == [messages.RESET_NEEDS_SECOND_FACTOR_ROLE]
    page = log_in(Client(), people["xitong"]).get(reverse("accounts:user_detail", args=[jijian.pk]))
    assert reverse("accounts:user_reset_otp", args=[jijian.pk]) not in page.text


# --- notices ---------------------------------------------------------------------------------------


def test_a_password_reset_is_shown_once_after_the_second_factor_and_before_the_new_password(people):
    renshi = role_user(Role.PERSONNEL, username="renshi", first_name="张人事")
    device = TOTPDevice.objects.create(user=renshi, name="手机", confirmed=True)
    response = log_in(Client(), people["xitong"]).post(reverse("accounts:user_reset_password", args=[renshi.pk]))
    temporary = response.context["password"]
    notice = AccountNotice.objects.get(user=renshi)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 系统管理员 xitong（王某）重置了您的登录密码。"
                        r"如非您本人申请，请立即联系安全管理员。", notice.text)

    client = Client()
    client.post(reverse("login"), {"username": "renshi", "password": temporary})
    # The second factor first: the notice is not shown to whoever only knows the password.
    assert client.get(reverse("account_notices"))["Location"].startswith(reverse("otp_verify"))
    client.post(reverse("otp_verify"), {"otp_token": totp_token(device)})
    assert client.get(reverse("cadres:cadre_list"))["Location"].startswith(reverse("account_notices"))
    page = client.get(reverse("account_notices"))
    assert notice.text in page.text
    client.post(reverse("account_notices"), {"ids": str(notice.pk)})
    notice.refresh_from_db()
    assert notice.seen_at is not None
    # Then the password change it owes.
    assert client.get(reverse("cadres:cadre_list"))["Location"].startswith(reverse("password_change"))

    # At the next login, nothing to show.
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "renshi", "password": temporary})
    client.post(reverse("otp_verify"), {"otp_token": totp_token(device, offset=30)})
    assert client.get(reverse("cadres:cadre_list"))["Location"].startswith(reverse("password_change"))
    assert not AccountNotice.objects.filter(user=renshi, seen_at__isnull=True).exists()


def test_an_immediate_role_change_leaves_a_notice_and_commands_leave_none(people):
    renshi = role_user(Role.PERSONNEL, username="renshi")
    account_change_role(actor=people["anquan"], user=renshi, role=Role.DISCIPLINE)
    assert AccountNotice.objects.get(user=renshi).text.endswith(
        "安全管理员 anquan（李某）将您的角色由“人事干部”改为“纪检监察”。如有疑问，请联系安全管理员。")
    call_command("create_account", "xinren", "--name", "新人", "--role", "人事干部", stdout=io.StringIO())
    assert not AccountNotice.objects.filter(user__username="xinren").exists()
