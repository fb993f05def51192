"""Issue 10, item 1: no administrator alone can come to read personal data (docs/security.md items 8 and 32).

The attack: xitong resets renshi's password (the page shows the temporary one), logs in as
renshi and reveals full ID numbers. Now every role that can see full numbers or export
personal data signs in with its own TOTP, which only an activation code (issued when a second
person confirms) lets anyone enrol.
"""

import datetime as dt
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cadre_office.accounts import messages
from cadre_office.accounts.models import ActivationCode
from cadre_office.accounts.roles import Role
from cadre_office.accounts.services import (
    activation_code_issue,
    activation_code_redeem,
    change_request_second_factor_reset,
)
from cadre_office.accounts.services.second_factor import ACTIVATION_CODE_MAX_FAILURES
from cadre_office.audit.models import AuditEvent
from cadre_office.history import service_account
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event
PASSWORD = "Test-pass-2026"


def totp_token(device, offset=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def world(db):
    office = DepartmentFactory(name="办公室")
    return {
        "cadre": CadreFactory(department=office, name="甲干部"),
        "xitong": role_user(Role.SYSTEM_ADMIN, username="xitong", first_name="王某"),
        "anquan": role_user(Role.SECURITY_ADMIN, username="anquan", first_name="李某"),
        "renshi": role_user(Role.PERSONNEL, username="renshi", first_name="张人事", password=PASSWORD),
        "lingdao": role_user(Role.LEADER, username="lingdao", first_name="赵局"),
    }


def _reset_password_through_the_page(admin, target) -> str:
    response = log_in(Client(), admin).post(reverse("accounts:user_reset_password", args=[target.pk]))
    assert response.status_code == 200
    return response.context["password"]


def _attacker_steps(cadre, temporary):
    """The attack as the issue tells it: change the temporary password, then reveal and export.

    Each step is (method, URL, form data, request headers).
    """
    reveal = reverse("cadres:cadre_reveal_id", args=[cadre.pk])
    new_password = {"old_password": temporary, "new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"}
    return [
        ("post", reverse("password_change"), new_password, {}),
        ("post", reveal, {}, {}),
        ("post", reveal, {}, {"HTTP_HX_REQUEST": "true"}),
        ("get", reverse("cadres:cadre_export"), {}, {}),
        ("get", reverse("cadres:cadre_detail", args=[cadre.pk]), {}, {}),
        ("get", reverse("cadres:cadre_list"), {}, {}),
        ("get", reverse("home"), {}, {}),
    ]


@pytest.mark.parametrize("enrolled", [True, False], ids=["renshi-has-an-authenticator", "renshi-never-enrolled"])
def test_the_takeover_by_password_reset_stops_at_the_second_factor(client, world, enrolled):
    renshi, cadre = world["renshi"], world["cadre"]
    if enrolled:
        TOTPDevice.objects.create(user=renshi, name="本人手机", confirmed=True)
    temporary = _reset_password_through_the_page(world["xitong"], renshi)

    # The administrator logs in as renshi with the temporary password: the real login and middleware.
    response = client.post(reverse("login"), {"username": "renshi", "password": temporary})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(renshi.pk)
    step = reverse("otp_verify" if enrolled else "otp_setup")
    for method, url, data, headers in _attacker_steps(cadre, temporary):
        response = getattr(client, method)(url, data, **headers)
        assert cadre.id_number not in response.content.decode(), url
        if "HTTP_HX_REQUEST" in headers:
            assert response["HX-Redirect"] == step, url
        else:
            assert response.status_code == 302 and response["Location"].startswith(step), url
    reads = [Event.REVEAL, Event.EXPORT, Event.VIEW_RECORD]
    assert not AuditEvent.objects.filter(user=renshi, event__in=reads).exists()
    renshi.refresh_from_db()
    assert renshi.check_password(temporary)  # not even the password could be changed

    if enrolled:
        # A password alone adds no device of the attacker's own.
        assert client.get(reverse("otp_setup"))["Location"].startswith(reverse("otp_verify"))
        assert TOTPDevice.objects.filter(user=renshi).count() == 1
        return
    # Never enrolled: the setup page asks for an activation code and refuses to go on without one.
    page = client.get(reverse("otp_setup"))
    assert page.context["activation_step"] and "secret" not in page.context
    response = client.post(reverse("otp_setup"), {"otp_token": "123456"})
    assert response.context["form"].errors["activation_code"] == [messages.ACTIVATION_REQUIRED]
    response = client.post(reverse("otp_setup"), {"activation_code": "ABCD-EFGH-JKMN"})
    assert response.context["form"].errors["activation_code"] == [messages.ACTIVATION_INVALID]
    assert AuditEvent.objects.filter(event=Event.ACTIVATION_FAILED, user=renshi, outcome="failure").count() == 1
    assert not TOTPDevice.objects.filter(user=renshi).exists()
    assert client.get(reverse("cadres:cadre_export"))["Location"].startswith(reverse("otp_setup"))


def test_the_administrator_cannot_get_an_activation_code_alone(world):
    renshi, xitong = world["renshi"], world["xitong"]
    change = change_request_second_factor_reset(actor=xitong, user=renshi, reason="手机丢失")
    xitong_client = log_in(Client(), xitong)
    # The requester sees the request, with no way to confirm it; the action refuses him all the same.
    page = xitong_client.get(reverse("accounts:change_detail", args=[change.pk]))
    assert page.context["refusal"] == messages.CHANGE_NOT_CONFIRMER and 'value="confirm"' not in page.text
    response = xitong_client.post(reverse("accounts:change_detail", args=[change.pk]), {"decision": "confirm"},
                                  follow=True)
    assert messages.CHANGE_NOT_CONFIRMER in response.text
    assert not ActivationCode.objects.filter(user=renshi).exists()
    change.refresh_from_db()
    assert change.state == "pending"


def test_a_password_reset_revokes_an_activation_code_not_yet_used(world):
    renshi = world["renshi"]
    code = activation_code_issue(actor=world["lingdao"], user=renshi)
    _reset_password_through_the_page(world["xitong"], renshi)
    # Whoever set the password must not also hold a live code for the account.
    with pytest.raises(ValidationError) as exc:
        activation_code_redeem(user=renshi, code=code)
    assert exc.value.messages == [messages.ACTIVATION_INVALID]


# --- the activation code -----------------------------------------------------------------------


def test_an_activation_code_is_hashed_single_use_and_expires(world):
    renshi = world["renshi"]
    code = activation_code_issue(actor=world["lingdao"], user=renshi)
    stored = ActivationCode.objects.get(user=renshi)
    assert code.replace("-", "") not in stored.code_hash and stored.issued_by == world["lingdao"]
    assert stored.expires_at - stored.issued_at == dt.timedelta(days=7)
    assert code not in str(list(AuditEvent.objects.values_list("detail", flat=True)))

    client = Client()
    client.post(reverse("login"), {"username": "renshi", "password": PASSWORD})
    client.post(reverse("otp_setup"), {"activation_code": code})
    device = TOTPDevice.objects.get(user=renshi, confirmed=False)
    assert client.post(reverse("otp_setup"), {"otp_token": totp_token(device)}).status_code == 302
    # Used: it opens nothing a second time.
    TOTPDevice.objects.filter(user=renshi).delete()
    with pytest.raises(ValidationError) as exc:
        activation_code_redeem(user=renshi, code=code)
    assert exc.value.messages == [messages.ACTIVATION_INVALID]

    expired = activation_code_issue(actor=world["lingdao"], user=renshi)
    ActivationCode.objects.filter(user=renshi, used_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ValidationError) as exc:
        activation_code_redeem(user=renshi, code=expired)
    assert exc.value.messages == [messages.ACTIVATION_INVALID]


def test_issuing_a_new_code_revokes_the_old_one(world):
    renshi = world["renshi"]
    old = activation_code_issue(actor=world["lingdao"], user=renshi)
    new = activation_code_issue(actor=world["lingdao"], user=renshi)
    with pytest.raises(ValidationError):
        activation_code_redeem(user=renshi, code=old)
    # The try with the old code counted against the live one; past its back-off the new code works.
    ActivationCode.objects.filter(user=renshi).update(last_failure_at=timezone.now() - dt.timedelta(seconds=2))
    activation, _ = activation_code_redeem(user=renshi, code=new)
    assert activation.failures == 1


def test_wrong_codes_are_audited_and_back_off_and_too_many_revoke_the_code(world):
    renshi = world["renshi"]
    code = activation_code_issue(actor=service_account("create_account"), user=renshi)
    with pytest.raises(ValidationError) as exc:
        activation_code_redeem(user=renshi, code="AAAA-BBBB-CCCC")
    assert exc.value.messages == [messages.ACTIVATION_INVALID]
    # Within the back-off even the right code waits, as django-otp's tokens do.
    with pytest.raises(ValidationError) as exc:
        activation_code_redeem(user=renshi, code=code)
    assert exc.value.messages == [messages.ACTIVATION_THROTTLED.format(seconds=1)]
    rows = AuditEvent.objects.filter(event=Event.ACTIVATION_FAILED, user=renshi)
    assert [row.detail["reason"] for row in rows.order_by("id")] == ["wrong", "throttled"]

    for _ in range(ACTIVATION_CODE_MAX_FAILURES - 1):
        ActivationCode.objects.filter(user=renshi).update(last_failure_at=timezone.now() - dt.timedelta(hours=1))
        with pytest.raises(ValidationError):
            activation_code_redeem(user=renshi, code="AAAA-BBBB-CCCC")
    assert ActivationCode.objects.get(user=renshi).revoked_at is not None
    with pytest.raises(ValidationError) as exc:
        activation_code_redeem(user=renshi, code=code)
    assert exc.value.messages == [messages.ACTIVATION_INVALID]


def test_a_token_cannot_confirm_a_device_without_the_activation(client, world):
    """The QR step needs the session's live activation: an unconfirmed device left over proves nothing."""
    renshi = world["renshi"]
    TOTPDevice.objects.create(user=renshi, name="遗留", confirmed=False)
    client.post(reverse("login"), {"username": "renshi", "password": PASSWORD})
    device = TOTPDevice.objects.get(user=renshi)
    response = client.post(reverse("otp_setup"), {"otp_token": totp_token(device)})
    assert "activation_code" in response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
