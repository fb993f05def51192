"""备案: who sees which filings, what each user may do on one, and the lists the pages and the desk read.

Scope: filings of the cadres the user sees (``cadres.permissions.visible_to``); 信访 filings only
for holders of ``oversight.view_petition`` (纪检监察, 局领导, 人事干部) — for anyone else they are
not found, not listed, not counted, not in the timeline. ``filing_actions`` is the one verdict on
what a user may do, read by the detail page (its buttons) and the services (the guard).
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q

from cadres.permissions import visible_to
from oversight.models import Filing, FilingRule

VIEW = "oversight.view_filing"
ADD = "oversight.add_filing"
HANDLE = "oversight.handle_filing"
VIEW_PETITION = "oversight.view_petition"
RECORD_OUTCOME = "oversight.record_petition_outcome"

State = Filing.State


def filings_visible_to(user):
    """Return the filings ``user`` may see: of cadres in their scope, 信访 only with ``view_petition``."""
    if not (user.is_authenticated and user.is_active and user.has_perm(VIEW)):
        return Filing.objects.none()
    queryset = Filing.objects.filter(cadre__in=visible_to(user))
    if not user.has_perm(VIEW_PETITION):
        queryset = queryset.exclude(kind=Filing.Kind.PETITION)
    return queryset


def kinds_for(user) -> list[tuple[str, str]]:
    """The kinds ``user`` may see and submit (信访 only with ``view_petition``)."""
    return [(value, label) for value, label in Filing.Kind.choices
            if value != Filing.Kind.PETITION or user.has_perm(VIEW_PETITION)]


def filing_actions(filing: Filing, user) -> frozenset[str]:
    """Return what ``user`` may do on ``filing`` now: receive, review, file, return, reject, resubmit,
    outcome, attach. The caller has already found ``filing`` in the user's scope."""
    actions = set()
    handles = user.has_perm(HANDLE)
    state = filing.state
    petition = filing.kind == Filing.Kind.PETITION
    if handles:
        if state == State.SUBMITTED:
            actions.add("receive")
        if state == State.RECEIVED:
            actions.add("review")
        if state == State.REVIEWED:
            actions.add("file")
        if state in (State.SUBMITTED, State.RECEIVED, State.REVIEWED):
            actions.update({"return", "reject"})
    if state == State.RETURNED and (handles or (user.has_perm(ADD) and filing.submitted_by_id == user.pk)):
        actions.add("resubmit")
    if petition and filing.is_open and user.has_perm(RECORD_OUTCOME):
        actions.add("outcome")
    if filing.is_open and (handles or user.has_perm(ADD) or (petition and user.has_perm(RECORD_OUTCOME))):
        actions.add("attach")
    return frozenset(actions)


def rules_by_kind() -> dict[str, FilingRule]:
    """Return the time-limit rule of each kind (one query); a kind without a row gets the default."""
    rules = {rule.kind: rule for rule in FilingRule.objects.all()}
    return {kind: rules.get(kind) or FilingRule(kind=kind) for kind in Filing.Kind.values}


def overdue(queryset, today: dt.date):
    """The open filings of ``queryset`` past their due date."""
    return queryset.filter(state__in=Filing.OPEN_STATES, due_on__lt=today)


def due_soon(queryset, today: dt.date, rules: dict[str, FilingRule] | None = None):
    """The open filings of ``queryset`` due from today to their kind's reminder days ahead."""
    rules = rules if rules is not None else rules_by_kind()
    window = reduce(or_, (Q(kind=kind, due_on__lte=today + dt.timedelta(days=rule.remind_days))
                          for kind, rule in rules.items()))
    return queryset.filter(window, state__in=Filing.OPEN_STATES, due_on__gte=today)


def filing_filterset(user, data=None):
    """Return the 备案 list's FilterSet over the filings ``user`` may see (cadre and unit fetched)."""
    from cadres.permissions import departments_visible_to
    from oversight.filing_filters import FilingFilterSet

    queryset = filings_visible_to(user).select_related("cadre", "cadre__department").order_by("-event_date", "-id")
    return FilingFilterSet(data if data is not None else {}, queryset=queryset, user=user,
                           departments=departments_visible_to(user))
