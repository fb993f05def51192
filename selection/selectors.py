"""Every read of the selection pages: scoped to the user, with what the page shows fetched up front."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from cadres.models import Department
from cadres.permissions import sees_all_departments
from cadres.permissions import visible_to as cadres_visible_to
from selection.models import Candidate, CaseStep, SelectionCase, StepDefinition, StepEvent
from selection.permissions import can_decide, can_veto, cases_visible_to, gates_of


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    state: str = ""
    step: int | None = None
    department: Department | None = None


def case_list(user, filters: CaseFilters | None = None):
    """Return the cases ``user`` may see, filtered, with their candidate count and current step's name."""
    filters = filters or CaseFilters()
    step_name = StepDefinition.objects.filter(template_id=OuterRef("template_id"),
                                              number=OuterRef("current_step")).values("name")[:1]
    cases = (cases_visible_to(user).select_related("department")
             .annotate(candidate_count=Count("candidates"), current_step_name=Subquery(step_name)))
    if filters.q:
        cases = cases.filter(Q(number__icontains=filters.q) | Q(title__icontains=filters.q)
                             | Q(post_title__icontains=filters.q))
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.step:
        cases = cases.filter(current_step=filters.step)
    if filters.department is not None:
        cases = cases.filter(department__path__startswith=filters.department.path)
    return cases.order_by("-created_at", "-pk")


def case_page_queryset(user):
    """Return the visible cases with everything the case page shows prefetched (a fixed number of queries)."""
    return cases_visible_to(user).select_related("department", "template", "created_by").prefetch_related(
        Prefetch("steps", CaseStep.objects.select_related("definition", "submitted_by", "decided_by")
                 .order_by("number")),
        Prefetch("steps__definition__approvers"),
        Prefetch("events", StepEvent.objects.select_related("actor", "candidate__cadre").order_by("at", "pk")),
        Prefetch("candidates", Candidate.objects.select_related("cadre", "cadre__department").order_by("pk")),
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


@dataclass
class StepRow:
    """One step of the case page's timeline."""

    step: CaseStep
    events: list = field(default_factory=list)
    is_current: bool = False
    can_decide: bool = False
    can_veto: bool = False
    data_items: list = field(default_factory=list)

    @property
    def definition(self) -> StepDefinition:
        return self.step.definition


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


def case_timeline(user, case: SelectionCase) -> list[StepRow]:
    """Return the case's steps in order, each with its trail entries and what ``user`` may do there.

    Reads only what ``case_page_queryset`` prefetched, plus one query for the user's role names.
    """
    role_names = set(user.groups.values_list("name", flat=True))
    by_step: dict[int, list] = {}
    for event in case.events.all():
        if event.step_id is not None:
            by_step.setdefault(event.step_id, []).append(event)
    active = case.state == SelectionCase.State.ACTIVE
    rows = []
    for step in case.steps.all():
        current = active and step.number == case.current_step
        decide = current and can_decide(user, step, role_names)
        veto = current and can_veto(user, step, role_names)
        rows.append(StepRow(step=step, events=by_step.get(step.pk, []), is_current=current, can_decide=decide,
                            can_veto=veto, data_items=step_data_items(step)))
    return rows


def inbox(user):
    """Return the submitted gates ``user`` may decide, oldest first, leaving out their own submissions."""
    if not (user.is_authenticated and user.is_active):
        return CaseStep.objects.none()
    return (CaseStep.objects.filter(gates_of(user), state=CaseStep.State.SUBMITTED,
                                    case__state=SelectionCase.State.ACTIVE, case__in=cases_visible_to(user))
            .exclude(submitted_by=user)
            .select_related("case", "case__department", "definition", "submitted_by")
            .order_by("submitted_at", "pk"))


def inbox_count(user) -> int:
    """How many gates await ``user`` (one query)."""
    return inbox(user).count()
