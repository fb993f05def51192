"""Reminders of the selection workflow (docs/definitions.md, reminders): deadlines the personnel office must not miss.

- ``publicity_end``: a 任前公示 (step 14) whose record gives its ``end`` and that is not decided yet,
  ending within ``PUBLICITY_DAYS`` days or already over — its result is to be approved.
- ``probation_end``: an appointed candidate whose year of probation (from the case's ``decided_on``)
  ends within ``PROBATION_DAYS`` days or is over, while the 试用期满考核 (step 16) is not done.
- ``recommendation_expiring``: a 会议推荐 (step 6) done whose result (valid one year from its
  ``meeting_date``) expires within ``RECOMMENDATION_DAYS`` days or has expired, while the 党组讨论决定
  (step 13) is not done.

Only active cases the user may see (``cases_visible_to``). Steps are found by their rule, not their
number, so a template that renumbers them still gets its reminders. Two queries, whatever the number
of cases: the steps (6 and 14) and the appointed candidates; the dates are compared here.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from cadre_office.dates import add_years
from selection.models import Candidate, CaseStep, SelectionCase, StepDefinition
from selection.permissions import cases_visible_to
from selection.rules import WorkflowError, parse_date
from selection.selectors import hidden_candidates

PUBLICITY_DAYS = 7
PROBATION_DAYS = 30
RECOMMENDATION_DAYS = 30

Rule = StepDefinition.Rule
Done = CaseStep.State.DONE


@dataclass(frozen=True)
class Reminder:
    kind: str  # "publicity_end" | "probation_end" | "recommendation_expiring"
    case: SelectionCase
    date: dt.date
    days_left: int  # negative when overdue
    text: str

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _date(data, key: str) -> dt.date | None:
    """The ISO date ``data[key]``, or None when it is missing or not a date (an old or partial record)."""
    if not isinstance(data, dict) or not data.get(key):
        return None
    try:
        return parse_date(data, key)
    except (WorkflowError, ValueError, TypeError):
        return None


def _when(days_left: int) -> str:
    return "今天" if days_left == 0 else f"还有 {days_left} 天"


def _step_done(rule: str):
    """Whether the row's case (``case_id``) has its step of ``rule`` done (a subquery)."""
    return Exists(CaseStep.objects.filter(case_id=OuterRef("case_id"), definition__rule=rule, state=Done))


def _publicity(step: CaseStep, today: dt.date, end: dt.date) -> Reminder:
    left = (end - today).days
    text = (f"公示已于 {end:%Y-%m-%d} 期满，请及时审批公示结果" if left < 0
            else f"公示将于 {end:%Y-%m-%d} 期满（{_when(left)}）")
    return Reminder("publicity_end", step.case, end, left, text)


def _recommendation(step: CaseStep, today: dt.date, expires: dt.date) -> Reminder:
    left = (expires - today).days
    text = (f"会议推荐结果已于 {expires:%Y-%m-%d} 失效（有效期一年），请重新组织推荐" if left < 0
            else f"会议推荐结果将于 {expires:%Y-%m-%d} 失效（有效期一年，{_when(left)}）")
    return Reminder("recommendation_expiring", step.case, expires, left, text)


def _probation(candidate: Candidate, today: dt.date, ends: dt.date, *, hidden: bool) -> Reminder:
    left = (ends - today).days
    name = "一名非管辖范围人选" if hidden else candidate.cadre.name
    text = (f"{name} 试用期已于 {ends:%Y-%m-%d} 期满，请及时进行试用期满考核" if left < 0
            else f"{name} 试用期将于 {ends:%Y-%m-%d} 期满（{_when(left)}）")
    return Reminder("probation_end", candidate.case, ends, left, text)


def reminders(user, *, today: dt.date) -> list[Reminder]:
    """Return the reminders of the active cases ``user`` may see, the most urgent (earliest date) first."""
    cases = cases_visible_to(user).filter(state=SelectionCase.State.ACTIVE)
    found: list[Reminder] = []

    steps = (CaseStep.objects.filter(case__in=cases)
             .filter(Q(definition__rule=Rule.PUBLICITY, state__in=[CaseStep.State.OPEN, CaseStep.State.SUBMITTED,
                                                                    CaseStep.State.RETURNED])
                     | Q(Q(definition__rule=Rule.RECOMMENDATION_VOTE, state=Done)
                         & ~Q(_step_done(Rule.DECISION_VOTE))))
             .select_related("case", "case__department", "definition"))
    for step in steps:
        if step.definition.rule == Rule.PUBLICITY:
            end = _date(step.data, "end")
            if end is not None and (end - today).days <= PUBLICITY_DAYS:
                found.append(_publicity(step, today, end))
        else:
            meeting = _date(step.data, "meeting_date")
            if meeting is not None:
                expires = add_years(meeting, 1)
                if (expires - today).days <= RECOMMENDATION_DAYS:
                    found.append(_recommendation(step, today, expires))

    candidates = (Candidate.objects.filter(case__in=cases, state=Candidate.State.APPOINTED,
                                           case__decided_on__isnull=False)
                  .exclude(_step_done(Rule.PROBATION))
                  .select_related("case", "case__department", "cadre"))
    candidates = [c for c in candidates if (add_years(c.case.decided_on, 1) - today).days <= PROBATION_DAYS]
    hidden = hidden_candidates(user, candidates)
    for candidate in candidates:
        ends = add_years(candidate.case.decided_on, 1)
        found.append(_probation(candidate, today, ends, hidden=candidate.pk in hidden))

    found.sort(key=lambda r: (r.date, r.case.pk, r.kind, r.text))
    return found
