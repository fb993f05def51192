from django.utils.functional import SimpleLazyObject

from selection.permissions import DECIDE, RUN
from selection.selectors import NavCounts, inbox_count, nav_counts


def selection_inbox(request):
    """Expose to the navigation who sees 待我审批 and 待办, and (lazily) their counts.

    待我审批 is for those who decide gates: holders of ``selection.decide_selection`` (局领导, 纪检监察) and
    personnel staff, who may be named approvers (人事部门负责人). 待办 is personnel staff's.

    ``selection_nav`` is counted only when a template reads it (a fragment such as the picker's lists
    costs nothing): deciders' 待我审批 on every page (one query, as before); personnel staff's two counts
    on the selection pages (one query), elsewhere only the links, so that the roster's pages, which they
    use most, cost no query for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    runs, decides = user.has_perm(RUN), user.has_perm(DECIDE)
    if not (runs or decides):
        return {}
    context = {"selection_inbox_visible": True, "selection_todos_visible": runs}
    if not runs:
        context["selection_nav"] = SimpleLazyObject(lambda: NavCounts(inbox=inbox_count(user)))
    elif getattr(request.resolver_match, "namespace", "") == "selection":
        context["selection_nav"] = SimpleLazyObject(lambda: nav_counts(user))
    return context
