"""工作台 lines of 备案: overdue and due-soon filings, those awaiting a step, petitions awaiting an outcome.

Each count is exactly the list its link opens (the 备案 list with the same filters). Two queries
for a user it concerns (the time-limit rules, one aggregate), none for anyone else.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from cadre_office import desk
from oversight.filing_selectors import (
    ADD,
    HANDLE,
    RECORD_OUTCOME,
    VIEW,
    due_soon,
    filings_visible_to,
    overdue,
    rules_by_kind,
)
from oversight.models import Filing

AREA = "日常监督"


def _url(**params) -> str:
    return f"{reverse('oversight:filing_list')}?{urlencode(params)}"


def _q(queryset) -> Q:
    """The WHERE of a filtered queryset as a Q over the filings' primary keys (one aggregate for all lines)."""
    return Q(pk__in=queryset.values("pk"))


@desk.register
def filing_tasks(*, user, today):
    handles, records, adds = user.has_perm(HANDLE), user.has_perm(RECORD_OUTCOME), user.has_perm(ADD)
    if not (user.has_perm(VIEW) and (handles or records or adds)):
        return []
    visible = filings_visible_to(user)
    rules = rules_by_kind()
    base = Filing.objects.all()
    counts = visible.aggregate(
        overdue=Count("pk", filter=_q(overdue(base, today))),
        soon=Count("pk", filter=_q(due_soon(base, today, rules))),
        submitted=Count("pk", filter=Q(state=Filing.State.SUBMITTED)),
        received=Count("pk", filter=Q(state=Filing.State.RECEIVED)),
        reviewed=Count("pk", filter=Q(state=Filing.State.REVIEWED)),
        returned=Count("pk", filter=Q(state=Filing.State.RETURNED, submitted_by=user)),
        petitions=Count("pk", filter=Q(kind=Filing.Kind.PETITION, outcome="", state__in=Filing.OPEN_STATES)),
    )
    tasks = []
    if handles:
        tasks += [
            desk.Task(AREA, "备案已逾期未归档", counts["overdue"], _url(due="overdue"), tone="danger",
                      hint="超过事项发生后一个月仍未归档", nav="oversight"),
            desk.Task(AREA, "备案即将到期", counts["soon"], _url(due="soon"), tone="warning", hint="7日内到期",
                      nav="oversight"),
            desk.Task(AREA, "备案待接收", counts["submitted"], _url(state="submitted"), nav="oversight"),
            desk.Task(AREA, "备案待审核", counts["received"], _url(state="received"), nav="oversight"),
            desk.Task(AREA, "备案待归档", counts["reviewed"], _url(state="reviewed"), nav="oversight"),
        ]
    elif adds:
        tasks.append(desk.Task(AREA, "本人报送的备案被退回", counts["returned"], _url(state="returned", mine="1"),
                               tone="warning", hint="请补正后重新报送", nav="oversight"))
    if records:
        tasks.append(desk.Task(AREA, "信访备案待录入核查结论", counts["petitions"],
                               _url(kind="petition", outcome="pending"), tone="warning", nav="oversight"))
    return tasks
