"""Cases and their candidates: start, add, drop, veto, pause, resume, terminate."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre_office.history import tracked_save
from cadres.codes import PersonnelStatus
from cadres.permissions import visible_to as cadres_visible_to
from cadres.quotas import KIND_LABELS, kind_of, vacancy_on
from selection import messages
from selection.actions import Action as Act
from selection.actions import may_start_case
from selection.models import (
    Candidate,
    CaseStep,
    SelectionCase,
    WorkflowTemplate,
)
from selection.rules import (
    WorkflowError,
)
from selection.services.base import (
    Action,
    _locked,
    _next_candidate_number,
    _next_number,
    _record,
    _require_text,
    _stop_candidate,
)

# How many times a new case reads the next number again when another case took it meanwhile.
NUMBER_ATTEMPTS = 5


def _check_cadres(actor, cadres) -> None:
    """Refuse a cadre who is not in service (退休, 调出 …) or not in ``actor``'s roster scope."""
    cadres = list(cadres)
    for cadre in cadres:
        if cadre.status != PersonnelStatus.ACTIVE:
            message = messages.CADRE_NOT_IN_SERVICE.format(name=cadre.name, status=cadre.get_status_display())
            raise WorkflowError(message, code="cadre_not_in_service")
    visible = set(cadres_visible_to(actor).filter(pk__in=[c.pk for c in cadres]).values_list("pk", flat=True))
    if any(cadre.pk not in visible for cadre in cadres):
        raise WorkflowError(messages.CADRE_NOT_VISIBLE, code="cadre_not_visible")


def _number_taken(exc: Exception, number: str) -> bool:
    """Whether saving failed because ``number`` is taken (by a case created since it was read)."""
    if isinstance(exc, ValidationError):
        return "number" in getattr(exc, "error_dict", {})
    return SelectionCase.objects.filter(number=number).exists()


def _save_numbered(case: SelectionCase, *, actor, year: int, given: bool) -> None:
    """Save the new case under the next free number of ``year``, reading it again if another case took it.

    Two cases started at the same moment both read the same highest number. The second to save then
    fails on the unique number — in ``full_clean`` once the first has committed, or (PostgreSQL) on the
    insert, which waits for the first to commit — and, inside its own savepoint, reads the next one.
    """
    for attempt in range(NUMBER_ATTEMPTS):
        if not given:
            case.number = _next_number(year)
        try:
            with transaction.atomic():
                tracked_save(case, actor=actor, reason="发起选拔任用工作")
            return
        except (IntegrityError, ValidationError) as exc:
            if given or attempt == NUMBER_ATTEMPTS - 1 or not _number_taken(exc, case.number):
                raise


@transaction.atomic
def case_create(*, actor, title: str, department, post_title: str, level: str, post_count: int = 1,
                method: str, cadres=(), number: str | None = None, year: int | None = None,
                confirm_no_vacancy: bool = False, no_vacancy_reason: str = "") -> SelectionCase:
    """Start a case on the current template: step 1 open, the others waiting, one candidate per cadre.

    The cadres must be in service and in ``actor``'s roster scope; they are numbered 1, 2, … (人选编号)
    in the order given. The case is numbered ``<year>-<n>`` (``year`` default: this year).

    Where the unit has a quota (职数) of ``level`` in force today with fewer vacancies than
    ``post_count``, the case starts only with ``confirm_no_vacancy`` and a ``no_vacancy_reason``
    (else a ``WorkflowError``, code ``no_vacancy`` or ``no_vacancy_reason_required``); the reason and
    the figures go into the case's trail (办理记录) and the audit row.
    """
    may_start_case(actor).require()
    cadres = list(dict.fromkeys(cadres))
    _check_cadres(actor, cadres)
    no_vacancy = _check_vacancy(department=department, level=level, post_count=post_count,
                                confirmed=confirm_no_vacancy, reason=no_vacancy_reason)
    template = WorkflowTemplate.objects.filter(is_current=True).first()
    if template is None:
        raise WorkflowError(messages.NO_CURRENT_TEMPLATE, code="no_template")
    case = SelectionCase(
        number=number or "", title=title, department=department,
        post_title=post_title, level=level, post_count=post_count, method=method, template=template,
        created_by=actor, state=SelectionCase.State.ACTIVE, current_step=1,
    )
    _save_numbered(case, actor=actor, year=year or timezone.localdate().year, given=bool(number))
    for definition in template.steps.order_by("number"):
        state = CaseStep.State.OPEN if definition.number == 1 else CaseStep.State.WAITING
        tracked_save(CaseStep(case=case, definition=definition, number=definition.number, state=state),
                     actor=actor, reason="发起选拔任用工作", clean=False)
    for index, cadre in enumerate(cadres, start=1):
        tracked_save(Candidate(case=case, cadre=cadre, number=index), actor=actor, reason="发起选拔任用工作")
    if no_vacancy:
        opinion = messages.NO_VACANCY_OPINION.format(summary=no_vacancy, reason=no_vacancy_reason.strip())
        _record(actor=actor, case=case, action=Action.RECORD, opinion=opinion, created=True,
                no_vacancy=f"{no_vacancy}；理由：{no_vacancy_reason.strip()}")
    else:
        _record(actor=actor, case=case, action=Action.RECORD, opinion="发起选拔任用工作", created=True)
    return case


def _check_vacancy(*, department, level: str, post_count: int, confirmed: bool, reason: str) -> str:
    """Refuse a case for more posts than the unit has vacant today, unless confirmed with a reason.

    Return "" when there is room (or no quota of that level is in force), else the figures as a
    line for the trail. A unit without a quota in force is not checked: nothing says it is full.
    """
    day = timezone.localdate()
    figure = vacancy_on(department=department, level=level, as_of=day)
    if figure.quota is None or figure.vacant >= post_count:
        return ""
    summary = (f"{department.name}{KIND_LABELS[kind_of(level=level)]}领导职数核定{figure.approved}名，"
               f"{day:%Y-%m-%d}实有{figure.occupied}名，空缺{figure.vacant}名，拟选拔{post_count}个职数")
    if not confirmed:
        raise WorkflowError(messages.NO_VACANCY.format(
            unit=department.name, level=KIND_LABELS[kind_of(level=level)], approved=figure.approved, date=day,
            occupied=figure.occupied, vacant=figure.vacant, post_count=post_count), code="no_vacancy")
    if not (reason or "").strip():
        raise WorkflowError(messages.NO_VACANCY_REASON_REQUIRED, code="no_vacancy_reason_required")
    return summary


@transaction.atomic
def candidate_add(*, actor, case: SelectionCase, cadre) -> Candidate:
    """Add a cadre in service as a candidate, before the inspection candidates are decided (step 7)."""
    case, _, _ = _locked(Act.ADD_CANDIDATE, actor=actor, case=case)
    if case.candidates.filter(cadre=cadre).exists():
        raise WorkflowError(messages.CANDIDATE_ALREADY_IN_CASE.format(name=cadre.name), code="candidate_duplicate")
    _check_cadres(actor, [cadre])
    candidate = Candidate(case=case, cadre=cadre, number=_next_candidate_number(case))
    tracked_save(candidate, actor=actor, reason="增加人选")
    _record(actor=actor, case=case, action=Action.RECORD, candidate=candidate, opinion="增加人选",
            candidate_added=candidate.pk)
    return candidate


def _lock_candidate(case: SelectionCase, candidate: Candidate) -> Candidate:
    locked = Candidate.objects.select_for_update(of=("self",)).select_related("cadre").filter(
        pk=candidate.pk, case=case).first()
    if locked is None:
        raise WorkflowError(messages.CANDIDATE_NOT_IN_CASE, code="candidate_not_in_case")
    if locked.state != Candidate.State.ACTIVE:
        raise WorkflowError(messages.CANDIDATE_NOT_ACTIVE.format(name=locked.cadre.name), code="candidate_not_active")
    return locked


@transaction.atomic
def candidate_drop(*, actor, case: SelectionCase, candidate: Candidate, reason: str) -> Candidate:
    """Leave a candidate off the list (未列入), e.g. one on the negative list, before step 7 is done."""
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case, _, _ = _locked(Act.DROP, actor=actor, case=case)
    candidate = _lock_candidate(case, candidate)
    _stop_candidate(actor=actor, candidate=candidate, state=Candidate.State.DROPPED, step_number=case.current_step,
                    reason=reason)
    _record(actor=actor, case=case, action=Action.RECORD, candidate=candidate, opinion=reason,
            candidate_dropped=candidate.pk)
    return candidate


@transaction.atomic
def candidate_veto(*, actor, case: SelectionCase, number: int, candidate: Candidate, reason: str) -> Candidate:
    """Veto a candidate at a veto step (4, 10, 11, 12) in progress; the case ends when nobody is left.

    Personnel staff record a veto, and so may whoever decides that step (纪检监察 at step 12).
    """
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case, step, _ = _locked(Act.VETO, actor=actor, case=case, number=number)
    candidate = _lock_candidate(case, candidate)
    _stop_candidate(actor=actor, candidate=candidate, state=Candidate.State.VETOED, step_number=number,
                    reason=reason)
    _record(actor=actor, case=case, action=Action.VETO, step=step, candidate=candidate, opinion=reason,
            candidate_id=candidate.pk)
    if not case.candidates.filter(state=Candidate.State.ACTIVE).exists():
        case.state = SelectionCase.State.TERMINATED
        tracked_save(case, actor=actor, reason=messages.ALL_CANDIDATES_STOPPED, update_fields=["state"], clean=False)
        _record(actor=actor, case=case, action=Action.TERMINATE, step=step, opinion=messages.ALL_CANDIDATES_STOPPED)
    return candidate


def _change_state(action: Act, *, actor, case: SelectionCase, reason: str, state: str, trail: str) -> SelectionCase:
    reason = _require_text(reason, messages.REASON_REQUIRED)
    case, _, _ = _locked(action, actor=actor, case=case)
    case.state = state
    tracked_save(case, actor=actor, reason=reason, update_fields=["state"], clean=False)
    _record(actor=actor, case=case, action=trail, opinion=reason)
    return case


@transaction.atomic
def case_pause(*, actor, case: SelectionCase, reason: str) -> SelectionCase:
    """Pause an active case, with the reason the trail keeps."""
    return _change_state(Act.PAUSE, actor=actor, case=case, reason=reason, state=SelectionCase.State.PAUSED,
                         trail=Action.PAUSE)


@transaction.atomic
def case_resume(*, actor, case: SelectionCase, reason: str) -> SelectionCase:
    """Resume a paused case."""
    return _change_state(Act.RESUME, actor=actor, case=case, reason=reason, state=SelectionCase.State.ACTIVE,
                         trail=Action.RESUME)


@transaction.atomic
def case_terminate(*, actor, case: SelectionCase, reason: str) -> SelectionCase:
    """End an active or paused case for good."""
    return _change_state(Act.TERMINATE, actor=actor, case=case, reason=reason,
                         state=SelectionCase.State.TERMINATED, trail=Action.TERMINATE)

