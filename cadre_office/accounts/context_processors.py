"""The navigation's count of changes awaiting the user's confirmation (账号变更确认)."""

from cadre_office.accounts.permissions import confirmable_kinds, confirmable_q, may_see_changes


def account_changes(request):
    """Expose whether the user sees 账号变更确认 and, to confirmers, how many requests wait: one query, only for them.

    The permissions it reads are the ones the navigation reads anyway (cached for the request).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_see_changes(user):
        return {}
    context = {"account_changes_visible": True}
    if confirmable_kinds(user):
        from cadre_office.accounts.models import ChangeRequest

        context["account_changes_count"] = ChangeRequest.objects.filter(confirmable_q(user)).count()
    return context
