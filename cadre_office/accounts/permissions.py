"""Who may ask for and who may confirm a two-person change (docs/security.md items 32 and 34).

Computed once here, so the pages, the navigation count and the services agree: a button is
shown exactly when the service would accept the action.
"""

from django.db.models import Q

from cadre_office.accounts.models import ChangeRequest
from cadre_office.accounts.roles import CONFIRM_PERMISSION

Kind = ChangeRequest.Kind

MANAGE = "accounts.manage_accounts"
ASSIGN = "accounts.assign_roles"
MOVE = "cadres.change_department"

# Who asks for each kind of change, and who confirms it.
REQUEST_PERMISSION = {Kind.GRANT_ROLE: ASSIGN, Kind.RESET_SECOND_FACTOR: MANAGE, Kind.MOVE_DEPARTMENT: MOVE}
CONFIRM_PERMISSIONS = {Kind.GRANT_ROLE: CONFIRM_PERMISSION, Kind.RESET_SECOND_FACTOR: CONFIRM_PERMISSION,
                       Kind.MOVE_DEPARTMENT: ASSIGN}


def can_request(user, kind: str) -> bool:
    return user.is_authenticated and user.has_perm(REQUEST_PERMISSION[kind])


def confirmable_kinds(user) -> list[str]:
    """Return the kinds of change ``user`` may confirm (as a second person)."""
    if not (user.is_authenticated and user.is_active):
        return []
    return [kind for kind, permission in CONFIRM_PERMISSIONS.items() if user.has_perm(permission)]


def may_see_changes(user) -> bool:
    """Return whether ``user`` may open the 账号变更确认 page: a confirmer, or someone who asks for changes."""
    return bool(confirmable_kinds(user)) or any(can_request(user, kind) for kind in Kind.values)


def confirmable_q(user) -> Q:
    """A filter for the pending requests ``user`` may confirm: their kinds, not their own, not about them."""
    kinds = confirmable_kinds(user)
    if not kinds:
        return Q(pk__in=[])
    return (Q(state=ChangeRequest.State.PENDING, kind__in=kinds) & ~Q(requested_by=user)
            & (Q(target_user__isnull=True) | ~Q(target_user=user)))


def confirm_refusal(user, change: ChangeRequest) -> str | None:
    """Return why ``user`` may not confirm or reject ``change`` (a message), or None if they may.

    The account's password setter is checked by the service, which reads the account's profile.
    """
    from cadre_office.accounts import messages

    if change.state != ChangeRequest.State.PENDING:
        return messages.CHANGE_NOT_PENDING.format(state=change.get_state_display())
    if change.kind not in confirmable_kinds(user):
        return messages.CHANGE_NOT_CONFIRMER
    if change.requested_by_id == user.pk:
        return messages.CHANGE_OWN_REQUEST
    if change.target_user_id is not None and change.target_user_id == user.pk:
        return messages.CHANGE_ON_SELF
    return None


def can_confirm(user, change: ChangeRequest) -> bool:
    return confirm_refusal(user, change) is None


def can_cancel(user, change: ChangeRequest) -> bool:
    return change.state == ChangeRequest.State.PENDING and change.requested_by_id == user.pk
