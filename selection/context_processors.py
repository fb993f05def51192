from selection.permissions import DECIDE, RUN
from selection.selectors import inbox_count, nav_counts


def selection_inbox(request):
    """Expose to the navigation who sees 待我审批 and 待办, and their counts.

    待我审批 is for those who decide gates: holders of ``selection.decide_selection`` (局领导, 纪检监察) and
    personnel staff, who may be named approvers (人事部门负责人). 待办 is personnel staff's.

    Deciders see their count on every page (one query, as before). Personnel staff see both counts on
    the selection pages (one query); elsewhere only the links, so that the roster's pages, which they
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
        context["selection_inbox_count"] = inbox_count(user)
    elif getattr(request.resolver_match, "namespace", "") == "selection":
        counts = nav_counts(user)
        context.update(selection_inbox_count=counts.inbox, selection_todo_count=counts.returned)
    return context
