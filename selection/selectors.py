"""Every read of the selection pages: scoped to the user, with what the page shows fetched up front."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from cadre_office.dates import format_month
from cadres.models import Cadre, Department, Education
from cadres.permissions import sees_all_departments
from cadres.permissions import visible_to as cadres_visible_to
from cadres.pinyin import is_pinyin_query
from cadres.selectors import department_choices, highest_education
from oversight.selectors.points import points_totals
from selection.actions import CaseActions, Verdict, awaiting_decision_by
from selection.models import (
    CalendarYear,
    Candidate,
    CaseStep,
    SelectionCase,
    StepDefinition,
    StepEvent,
    WorkflowTemplate,
)
from selection.permissions import cases_visible_to


def _last_return(step_ref: str = "pk", *, case_ref: str | None = None, number_ref: str | None = None):
    """The latest 退回修改 entry of a step (by its pk, or by its case and number), newest first."""
    events = StepEvent.objects.filter(action=StepEvent.Action.RETURN)
    if case_ref is not None:
        events = events.filter(case_id=OuterRef(case_ref), step__number=OuterRef(number_ref))
    else:
        events = events.filter(step_id=OuterRef(step_ref))
    return events.order_by("-at", "-pk")


def case_filterset(user, data=None):
    """Return the case list's FilterSet (``selection.filters``) over the cases ``user`` may see.

    Each case comes with its candidate count and its current step: name, state (a step returned for
    revision shows 已退回) and the latest return's opinion, annotations of the one query. Newest first.
    """
    from selection.filters import CaseFilterSet

    step_name = StepDefinition.objects.filter(template_id=OuterRef("template_id"),
                                              number=OuterRef("current_step")).values("name")[:1]
    step_state = CaseStep.objects.filter(case_id=OuterRef("pk"), number=OuterRef("current_step")).values("state")[:1]
    returned = _last_return(case_ref="pk", number_ref="current_step")
    cases = (cases_visible_to(user).select_related("department")
             .annotate(candidate_count=Count("candidates"), current_step_name=Subquery(step_name),
                       current_step_state=Subquery(step_state),
                       return_opinion=Subquery(returned.values("opinion")[:1]))
             .order_by("-created_at", "-pk"))
    return CaseFilterSet(data if data is not None else {}, queryset=cases, user=user,
                         departments=department_choices(user))


def case_list(user, data=None):
    """Return the cases ``user`` may see that match the case list's filters in ``data`` (a query dict)."""
    return case_filterset(user, data).qs


def case_page_queryset(user):
    """Return the visible cases with everything the case page shows prefetched (a fixed number of queries)."""
    return cases_visible_to(user).select_related("department", "template", "created_by").prefetch_related(
        Prefetch("steps", CaseStep.objects.select_related("definition", "submitted_by", "decided_by")
                 .order_by("number")),
        Prefetch("events", StepEvent.objects.select_related("actor", "candidate__cadre").order_by("at", "pk")),
        Prefetch("candidates", Candidate.objects.select_related("cadre", "cadre__department").order_by("number")),
        Prefetch("candidates__cadre__educations", Education.objects.filter(kind=Education.Kind.FULL_TIME)),
    )


def hidden_candidates(user, candidates) -> set[int]:
    """Return the pks of the ``candidates`` whose cadre lies outside ``user``'s roster scope.

    A department head sees a case of their unit, but a candidate from another unit appears there
    without name, unit or reasons (docs/security.md, scope): the same cadre is a 404 on the roster.
    One query, none for bureau-wide readers.
    """
    candidates = list(candidates)
    if not candidates or sees_all_departments(user):
        return set()
    visible = set(cadres_visible_to(user).filter(pk__in={c.cadre_id for c in candidates}).values_list("pk", flat=True))
    return {candidate.pk for candidate in candidates if candidate.cadre_id not in visible}


# --- a cadre as the selection pages show it -----------------------------------------------------------


@dataclass(frozen=True)
class CadreSummary:
    """What the candidate tables and the picker show of a cadre: no more than the roster shows anyone.

    出生年月 only (never the full date, which with the masked number would give the number away), the
    unit, the current post and 职级, the highest 全日制 education.
    """

    cadre: Cadre

    @property
    def birth_month(self) -> str:
        return format_month(self.cadre.birth_date)

    @property
    def education(self) -> str:
        """The highest full-time education, from the prefetched ``educations``."""
        record = highest_education(self.cadre, Education.Kind.FULL_TIME)
        return record.get_level_display() if record else ""


@dataclass(frozen=True)
class CandidateRow(CadreSummary):
    """A candidate of the case page: hidden (nothing identifying) outside the viewer's roster scope."""

    candidate: Candidate = None
    hidden: bool = False
    linked: bool = False  # the viewer may open the cadre's record
    points: object = None  # this year's points (oversight's ledger), None when the viewer may not read them


def candidate_rows(user, candidates, hidden: set[int]) -> list[CandidateRow]:
    """Return the case's candidates as the page shows them, with this year's points (one query for all)."""
    may_open = user.has_perm("cadres.view_cadre")
    totals = None
    visible = [c.cadre_id for c in candidates if c.pk not in hidden]
    if visible and user.has_perm("oversight.view_pointentry"):
        totals = points_totals(visible, timezone.localdate().year)
    return [CandidateRow(cadre=c.cadre, candidate=c, hidden=c.pk in hidden, linked=may_open and c.pk not in hidden,
                         points=None if totals is None or c.pk in hidden else totals.get(c.cadre_id, 0))
            for c in candidates]


# --- the case page's timeline ------------------------------------------------------------------------


@dataclass
class StepRow:
    """One step of the case page's timeline, with what ``user`` may do there (``actions``)."""

    step: CaseStep
    events: list = field(default_factory=list)
    is_current: bool = False
    actions: dict[str, Verdict] = field(default_factory=dict)
    data_items: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    record_checks: list = field(default_factory=list)  # (record name, uploaded?)
    messages: list = field(default_factory=list)  # the messages of the action just done on this step

    @property
    def definition(self) -> StepDefinition:
        return self.step.definition

    @property
    def last_return(self) -> StepEvent | None:
        """The latest 退回修改 of this step (its opinion says what to change), if any."""
        return next((e for e in reversed(self.events) if e.action == StepEvent.Action.RETURN), None)


# What a step recorded, in the office's words (the rest of ``data`` is shown by its own widgets).
DATA_LABELS = {
    "meeting_date": "会议日期", "members_due": "应到会人数", "attending": "实到会人数", "date": "确定日期",
    "notice_date": "预告日期", "inspection_date": "考察日期", "start": "公示开始", "end": "公示结束",
}
RESULT_LABELS = {"competent": "胜任", "incompetent": "不胜任"}


def step_data_items(step: CaseStep) -> list[tuple[str, str]]:
    """Return the step's recorded data as (label, text) pairs: dates, attendance, vote and result counts."""
    data = step.data or {}
    items = [(label, str(data[key])) for key, label in DATA_LABELS.items() if data.get(key) not in (None, "")]
    if data.get("votes"):
        choices = {"agree": 0, "disagree": 0, "defer": 0}
        for vote in data["votes"]:
            choices[vote.get("choice", "")] = choices.get(vote.get("choice", ""), 0) + 1
        items.append(("表决", f"同意 {choices['agree']}，不同意 {choices['disagree']}，缓议 {choices['defer']}"))
    if data.get("results"):
        counts = {}
        for result in data["results"].values():
            counts[RESULT_LABELS.get(result, result)] = counts.get(RESULT_LABELS.get(result, result), 0) + 1
        items.append(("考核结果", "，".join(f"{label} {n} 人" for label, n in counts.items())))
    return items


def case_opening(case: SelectionCase) -> StepEvent | None:
    """Return the trail entry that started the case (the first one of no step), from the prefetched events.

    Its opinion says more than "发起选拔任用工作" where the case was started on a confirmation, such as
    without a vacant post (职数) and why.
    """
    return next((event for event in case.events.all() if event.step_id is None), None)


def case_timeline(case: SelectionCase, actions: CaseActions) -> list[StepRow]:
    """Return the case's steps in order, each with its trail, its records and the user's verdicts.

    Reads only what ``case_page_queryset`` (and the page's attachments prefetch) fetched.
    """
    by_step: dict[int, list] = {}
    for event in case.events.all():
        if event.step_id is not None:
            by_step.setdefault(event.step_id, []).append(event)
    active = case.state == SelectionCase.State.ACTIVE
    rows = []
    for step in case.steps.all():
        attachments = list(step.attachments.all())
        names = {attachment.record_name for attachment in attachments}
        rows.append(StepRow(
            step=step, events=by_step.get(step.pk, []), is_current=active and step.number == case.current_step,
            actions=actions.step(step.number), data_items=step_data_items(step), attachments=attachments,
            record_checks=[(name, name in names) for name in step.definition.required_records],
        ))
    return rows


# --- 待我审批 and 待办 -----------------------------------------------------------------------------------


def inbox(user):
    """Return the submitted gates ``user`` may decide now, oldest first (never their own submissions)."""
    if not (user.is_authenticated and user.is_active):
        return CaseStep.objects.none()
    return (CaseStep.objects.filter(awaiting_decision_by(user), case__in=cases_visible_to(user))
            .select_related("case", "case__department", "definition", "submitted_by")
            .order_by("submitted_at", "pk"))


def inbox_count(user) -> int:
    """How many gates await ``user`` (one query)."""
    return inbox(user).count()


@dataclass(frozen=True)
class NavCounts:
    inbox: int = 0  # gates awaiting the user's decision
    returned: int = 0  # steps returned for revision, waiting for personnel staff


def nav_counts(user) -> NavCounts:
    """Count the navigation's badges for ``user`` in one query: 待我审批 and the returned steps of 待办."""
    if not (user.is_authenticated and user.is_active):
        return NavCounts()
    totals = (CaseStep.objects.filter(case__in=cases_visible_to(user), case__state=SelectionCase.State.ACTIVE)
              .aggregate(inbox=Count("pk", filter=awaiting_decision_by(user)),
                         returned=Count("pk", filter=Q(state=CaseStep.State.RETURNED))))
    return NavCounts(inbox=totals["inbox"], returned=totals["returned"] if user.has_perm("selection.run_selection")
                     else 0)


@dataclass(frozen=True)
class Todo:
    """One thing on a personnel officer's 待办 list, typed by ``kind`` (a 工作台 can list these too).

    - ``returned``: a step sent back for revision — ``reason`` is the return's opinion, ``who`` who returned it.
    - ``awaiting``: a gate submitted and waiting for its decider — ``who`` is the deciding role or approvers;
      ``mine`` when the user may decide it themselves (it is in their 待我审批 too).
    """

    kind: str
    case: SelectionCase
    step: CaseStep
    date: dt.datetime | None
    who: str = ""
    reason: str = ""
    mine: bool = False

    @property
    def step_number(self) -> int:
        return self.step.number


@dataclass(frozen=True)
class Todos:
    returned: list[Todo]
    awaiting: list[Todo]
    reminders: list  # selection.reminders.Reminder

    @property
    def count(self) -> int:
        return len(self.returned) + len(self.awaiting) + len(self.reminders)


def _display(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def todos(user, *, today: dt.date) -> Todos:
    """Return ``user``'s to-dos in the active cases they may see: returned steps, gates awaiting others, reminders.

    Three queries whatever the number of cases: the returned and submitted steps (with the latest return's
    opinion and whether the user decides each, annotated), and the two of the reminders.
    """
    from selection.reminders import reminders  # reminders read hidden_candidates from here

    steps = (CaseStep.objects.filter(case__in=cases_visible_to(user), case__state=SelectionCase.State.ACTIVE,
                                     state__in=[CaseStep.State.RETURNED, CaseStep.State.SUBMITTED])
             .select_related("case", "case__department", "definition", "decided_by", "submitted_by")
             .annotate(return_opinion=Subquery(_last_return().values("opinion")[:1]),
                       mine=Case(When(awaiting_decision_by(user), then=Value(1)), default=Value(0),
                                 output_field=IntegerField()))
             .order_by("submitted_at", "pk"))
    returned, awaiting = [], []
    for step in steps:
        if step.state == CaseStep.State.RETURNED:
            returned.append(Todo("returned", step.case, step, step.decided_at, who=_display(step.decided_by),
                                 reason=step.return_opinion or ""))
        else:
            decider = step.definition.decided_by_role or "指定审批人"
            awaiting.append(Todo("awaiting", step.case, step, step.submitted_at, who=decider, mine=bool(step.mine)))
    return Todos(returned=returned, awaiting=awaiting, reminders=reminders(user, today=today))


# --- the candidate picker of a new case --------------------------------------------------------------

PICKER_LIMIT = 20


def pickable_cadres(user):
    """Return the cadres ``user`` may pick: in their roster scope and in service (在职), with what the picker shows."""
    return (cadres_visible_to(user).active().select_related("department")
            .prefetch_related(Prefetch("educations", Education.objects.filter(kind=Education.Kind.FULL_TIME))))


def candidate_search(user, *, q: str = "", department: Department | None = None, exclude=(),
                     limit: int = PICKER_LIMIT) -> tuple[list[CadreSummary], bool]:
    """Return up to ``limit`` cadres to pick from, and whether there were more.

    Every word of ``q`` must match the name, its pinyin or initials (ASCII words), the unit or the post.
    The cadres of ``department`` and its sub-units come first; without ``q`` only they are listed.
    Two queries (the cadres, their full-time education).
    """
    words = q.split()
    if not words and department is None:
        return [], False
    cadres = pickable_cadres(user).exclude(pk__in=list(exclude))
    for word in words:
        match = Q(name__contains=word) | Q(department__name__contains=word) | Q(current_post_title__contains=word)
        if is_pinyin_query(word):
            match |= Q(name_pinyin__contains=word.lower()) | Q(name_initials__contains=word.lower())
        cadres = cadres.filter(match)
    if department is not None:
        in_unit = Q(department__path__startswith=department.path)
        if not words:
            cadres = cadres.filter(in_unit)
        cadres = cadres.annotate(unit_first=Case(When(in_unit, then=Value(0)), default=Value(1),
                                                 output_field=IntegerField()))
        cadres = cadres.order_by("unit_first", "department__path", "current_level", "name_pinyin", "pk")
    else:
        cadres = cadres.order_by("department__path", "current_level", "name_pinyin", "pk")
    found = list(cadres[:limit + 1])
    return [CadreSummary(cadre) for cadre in found[:limit]], len(found) > limit


def picked_cadres(user, ids) -> list[CadreSummary]:
    """Return the cadres chosen so far (in the order chosen), dropping any no longer pickable."""
    ids = [int(pk) for pk in ids]
    found = {cadre.pk: cadre for cadre in pickable_cadres(user).filter(pk__in=ids)}
    return [CadreSummary(found[pk]) for pk in dict.fromkeys(ids) if pk in found]


# --- 流程模板 and 节假日安排 ----------------------------------------------------------------------------


def current_template() -> WorkflowTemplate | None:
    """Return the template new cases start on."""
    return WorkflowTemplate.objects.filter(is_current=True).first()


def template_in_use(template: WorkflowTemplate) -> int:
    """How many cases (of any state) use ``template`` (while any does, it is not edited in place)."""
    return template.cases.count()


def workflow_template_page() -> dict:
    """Return what 流程模板 shows: the current template, its steps (with approvers), its use, every version."""
    template = current_template()
    return {
        "template": template,
        "steps": template.steps.order_by("number").prefetch_related("approvers") if template else [],
        "in_use": template_in_use(template) if template else 0,
        "versions": WorkflowTemplate.objects.annotate(case_count=Count("cases")).order_by("name", "-version"),
    }


def calendar_year_entered(year: int) -> tuple[list, str]:
    """Return the days entered for ``year`` (date order) and the note given, or nothing if not entered."""
    entered = CalendarYear.objects.filter(year=year).first()
    if entered is None:
        return [], ""
    return list(entered.days.order_by("date")), entered.note


def calendar_years():
    """Return the years staff have entered, newest first, with who entered them."""
    return CalendarYear.objects.select_related("entered_by").order_by("-year")
