"""Two-person changes: one person asks, a second person confirms (docs/security.md items 32 and 34).

Three kinds (``ChangeRequest.Kind``): granting a role with a second factor, resetting an
account's second factor, and moving a unit so that someone's scope widens or narrows. Each
transition is one guarded service: it locks the request, re-reads it, checks state and person,
raises ``ChangeRequestError`` with a message of ``messages`` when refused, and writes the
request's history row and one audit row in the same transaction. Pending → confirmed /
rejected / cancelled; nothing leaves a decided request.

The confirmer of an account change is neither the requester, nor the account's holder, nor
the person who set its current password; a confirmation that leaves the account without an
authenticator issues an activation code, shown once to the confirmer, who hands it over.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_office.accounts import messages
from cadre_office.accounts.models import ChangeRequest, Profile
from cadre_office.accounts.permissions import can_request, confirm_refusal
from cadre_office.accounts.roles import SECOND_FACTOR_ROLES, Role
from cadre_office.accounts.services.accounts import (
    _account_repr,
    _check_not_self,
    _check_not_service_account,
    _check_scope_for_role,
    account_role,
    account_set_scope,
    apply_role,
    describe_actor,
)
from cadre_office.accounts.services.notices import notice_add
from cadre_office.accounts.services.second_factor import (
    activation_code_issue,
    has_second_factor,
    second_factor_reset,
)
from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save

Kind, State = ChangeRequest.Kind, ChangeRequest.State
User = get_user_model()


class ChangeRequestError(ValidationError):
    """A change request refused: wrong state, wrong person, or a duplicate."""


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation did: the request, and the activation code to hand over (shown once), if any."""

    request: ChangeRequest
    activation_code: str = ""


def _ref(obj) -> dict | None:
    """Name an object in a payload or audit row by id and name, as it was at the time."""
    if obj is None:
        return None
    return {"id": obj.pk, "name": _account_repr(obj) if isinstance(obj, User) else str(obj)}


def _require(actor, kind) -> None:
    if not can_request(actor, kind):
        raise PermissionDenied(messages.CHANGE_NOT_REQUESTER)


def _reason(reason: str, default: str = "") -> str:
    reason = (reason or "").strip() or default
    if not reason:
        raise ChangeRequestError({"reason": messages.REASON_REQUIRED})
    return reason[:200]


def _audit(event, *, actor, change: ChangeRequest, **detail) -> None:
    target = change.target_user or change.target_department
    object_repr = _account_repr(target) if change.target_user_id else str(target)
    audit_record(event, actor=actor, obj=target, object_repr=object_repr,
                 detail={"request": change.pk, "kind": change.get_kind_display(), **detail})


def _create(*, actor, kind, reason: str, payload: dict, user=None, department=None) -> ChangeRequest:
    """Create a pending request (one per kind and target) with its history and audit rows."""
    change = ChangeRequest(kind=kind, target_user=user, target_department=department, payload=payload,
                           reason=reason, requested_by=actor, requested_at=timezone.now())
    pending = ChangeRequest.objects.filter(kind=kind, state=State.PENDING,
                                           **({"target_user": user} if user else {"target_department": department}))
    duplicate = ChangeRequestError(messages.CHANGE_ALREADY_PENDING.format(
        target="账号" if user else "单位", kind=change.get_kind_display()), code="already_pending")
    if pending.exists():
        raise duplicate
    try:
        with transaction.atomic():
            tracked_save(change, actor=actor, reason="提交申请")
    except IntegrityError:  # another request for the same target was committed meanwhile
        raise duplicate from None
    _audit(Event.CHANGE_REQUEST, actor=actor, change=change, reason=reason)
    return change


# --- asking ----------------------------------------------------------------------------------


@transaction.atomic
def change_request_grant(*, actor, user, role: str, departments=(), reason: str = "") -> ChangeRequest:
    """Ask a second person to confirm giving ``user`` ``role`` (and, for a scoped role, ``departments``)."""
    _require(actor, Kind.GRANT_ROLE)
    _check_not_self(actor, user)
    _check_not_service_account(user)
    if role not in Role.values:
        raise ChangeRequestError({"role": messages.UNKNOWN_ROLE})
    departments = list(departments)
    _check_scope_for_role(role, departments)
    payload = {
        "role": role, "role_before": account_role(user) or "",
        "departments": [_ref(department) for department in departments],
    }
    return _create(actor=actor, kind=Kind.GRANT_ROLE, user=user, payload=payload,
                   reason=_reason(reason, messages.GRANT_REASON_UPDATE))


@transaction.atomic
def change_request_second_factor_reset(*, actor, user, reason: str) -> ChangeRequest:
    """Ask a second person to confirm removing ``user``'s authenticator and issuing an activation code."""
    _require(actor, Kind.RESET_SECOND_FACTOR)
    _check_not_self(actor, user)
    _check_not_service_account(user)
    if account_role(user) not in SECOND_FACTOR_ROLES:
        raise ChangeRequestError(messages.RESET_NEEDS_SECOND_FACTOR_ROLE, code="no_second_factor")
    return _create(actor=actor, kind=Kind.RESET_SECOND_FACTOR, user=user, reason=_reason(reason),
                   payload={"had_device": has_second_factor(user)})


@transaction.atomic
def change_request_move(*, actor, department, parent, reason: str, impact) -> ChangeRequest:
    """Ask the security administrator to confirm moving ``department`` under ``parent``.

    ``impact`` (``cadres.services.departments.MoveImpact``) is stored as the requester saw it;
    the confirmation computes it again, on the tree as it is then.
    """
    _require(actor, Kind.MOVE_DEPARTMENT)
    payload = {"parent": _ref(parent), "old_parent": _ref(department.parent), **impact.as_payload()}
    return _create(actor=actor, kind=Kind.MOVE_DEPARTMENT, department=department, payload=payload,
                   reason=_reason(reason))


# --- deciding --------------------------------------------------------------------------------


def _lock(change: ChangeRequest) -> ChangeRequest:
    """Lock the request row and return it as it is now (another person may have decided it)."""
    return (ChangeRequest.objects.select_for_update(of=("self",))
            .select_related("requested_by", "target_user", "target_department").get(pk=change.pk))


def _check_decider(actor, change: ChangeRequest) -> None:
    refusal = confirm_refusal(actor, change)
    if refusal is not None:
        raise ChangeRequestError(refusal, code="refused")
    if change.target_user_id is not None:
        password_set_by = Profile.objects.filter(user_id=change.target_user_id).values_list(
            "password_set_by", flat=True).first()
        if password_set_by == actor.pk:
            raise ChangeRequestError(messages.CHANGE_KNOWS_PASSWORD, code="knows_password")


def _decide(change: ChangeRequest, *, actor, state: str, comment: str) -> None:
    change.state = state
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.comment = (comment or "").strip()[:200]
    tracked_save(change, actor=actor, reason=change.get_state_display(),
                 update_fields=["state", "decided_by", "decided_at", "comment"])


@transaction.atomic
def change_request_confirm(*, actor, request: ChangeRequest, comment: str = "") -> Confirmation:
    """Confirm ``request`` as the second person and carry it out; return the activation code to hand over."""
    change = _lock(request)
    _check_decider(actor, change)
    code = ""
    if change.kind == Kind.GRANT_ROLE:
        code = _confirm_grant(actor, change)
    elif change.kind == Kind.RESET_SECOND_FACTOR:
        code = _confirm_second_factor_reset(actor, change)
    else:
        _confirm_move(actor, change)
    _decide(change, actor=actor, state=State.CONFIRMED, comment=comment)
    _audit(Event.CHANGE_CONFIRM, actor=actor, change=change, requested_by=change.requested_by.get_username(),
           **({"comment": change.comment} if change.comment else {}))
    return Confirmation(request=change, activation_code=code)


def _locked_target(change: ChangeRequest):
    user = User.objects.select_for_update().get(pk=change.target_user_id)
    if not user.is_active:
        raise ChangeRequestError(messages.CHANGE_TARGET_DISABLED, code="target_disabled")
    return user


def _confirm_grant(actor, change: ChangeRequest) -> str:
    from cadres.models import Department

    user = _locked_target(change)
    role = change.payload["role"]
    before = account_role(user)
    wanted = [ref["id"] for ref in change.payload.get("departments") or []]
    departments = list(Department.objects.filter(pk__in=wanted))
    detail = {"request": change.pk, "requested_by": change.requested_by.get_username()}
    apply_role(actor=actor, user=user, role=role, detail=detail, notice=messages.NOTICE_ROLE_GRANTED.format(
        requester=describe_actor(change.requested_by), confirmer=describe_actor(actor),
        before=before or messages.NO_ROLE, after=role))
    account_set_scope(actor=actor, user=user, departments=departments)
    if role in SECOND_FACTOR_ROLES and not has_second_factor(user):
        return activation_code_issue(actor=actor, user=user, request=change)
    return ""


def _confirm_second_factor_reset(actor, change: ChangeRequest) -> str:
    user = _locked_target(change)
    code = second_factor_reset(actor=actor, user=user, request=change)
    notice_add(user=user, text=messages.NOTICE_SECOND_FACTOR_RESET.format(
        requester=describe_actor(change.requested_by), confirmer=describe_actor(actor)))
    return code


def _confirm_move(actor, change: ChangeRequest) -> None:
    from cadres.services.departments import department_move_confirm

    department_move_confirm(actor=actor, request=change)


@transaction.atomic
def change_request_reject(*, actor, request: ChangeRequest, comment: str) -> ChangeRequest:
    """Turn ``request`` down as the second person, saying why; nothing of it is carried out."""
    change = _lock(request)
    refusal = confirm_refusal(actor, change)
    if refusal is not None:
        raise ChangeRequestError(refusal, code="refused")
    if not (comment or "").strip():
        raise ChangeRequestError({"comment": messages.CHANGE_COMMENT_REQUIRED})
    _decide(change, actor=actor, state=State.REJECTED, comment=comment)
    _audit(Event.CHANGE_REJECT, actor=actor, change=change, requested_by=change.requested_by.get_username(),
           comment=change.comment)
    return change


@transaction.atomic
def change_request_cancel(*, actor, request: ChangeRequest) -> ChangeRequest:
    """Withdraw one's own pending request."""
    change = _lock(request)
    if change.state != State.PENDING:
        raise ChangeRequestError(messages.CHANGE_NOT_PENDING.format(state=change.get_state_display()),
                                 code="not_pending")
    if change.requested_by_id != actor.pk:
        raise ChangeRequestError(messages.CHANGE_NOT_YOURS, code="not_yours")
    _decide(change, actor=actor, state=State.CANCELLED, comment="")
    _audit(Event.CHANGE_CANCEL, actor=actor, change=change)
    return change
