from selection.permissions import DECIDE
from selection.selectors import inbox_count


def selection_inbox(request):
    """Expose the number of gates awaiting the user to the navigation: one query, only for deciders."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(DECIDE):
        return {}
    return {"selection_inbox_count": inbox_count(user)}
