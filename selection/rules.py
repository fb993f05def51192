"""The rules of docs/selection.md that a step's data must satisfy before the step is submitted.

Each ``check_*`` reads the step's ``data`` (already JSON: dates as "YYYY-MM-DD", ids as given) and raises
``WorkflowError`` with a message of ``selection.messages`` when the rule does not hold; it changes nothing.
The services apply the results (votes stored, candidates dropped, posts started).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from cadre_office.dates import add_years
from oversight.models import AnnualAppraisal, DisciplineAction
from selection import messages
from selection.models import Candidate, StepDefinition, Vote
from selection.workdays import inspection_notice_ok, publicity_is_long_enough, working_days_between

Rule = StepDefinition.Rule


class WorkflowError(ValidationError):
    """A transition refused: wrong state, wrong person, or a rule of the step not met."""


# The keys a step's data must hold for its rule to be checked (attachments are not checked here).
REQUIRED_KEYS = {
    Rule.RECOMMENDATION_VOTE: ("members_due", "attending", "meeting_date", "votes"),
    Rule.DECISION_VOTE: ("members_due", "attending", "meeting_date", "votes"),
    Rule.INSPECTION_NOTICE: ("notice_date", "inspection_date"),
    Rule.PUBLICITY: ("start", "end"),
    Rule.PROBATION: ("results",),
}

# Probation of a newly appointed cadre (docs/selection.md): one year from the decision.
PROBATION_YEARS = 1
# The negative list looks at the appraisals of the last three years.
NEGATIVE_APPRAISAL_YEARS = 3


def check_required_keys(number: int, rule: str, data: dict) -> None:
    missing = [key for key in REQUIRED_KEYS.get(rule, ()) if data.get(key) in (None, "")]
    if missing:
        raise WorkflowError(messages.DATA_MISSING.format(number=number, keys="、".join(missing)), code="data_missing")


def parse_date(data: dict, key: str) -> dt.date:
    value = data.get(key)
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise WorkflowError(messages.BAD_DATE.format(key=key), code="bad_date") from None


def _count(data: dict, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise WorkflowError(messages.BAD_NUMBER.format(key=key), code="bad_number")
    return value


def _candidate_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class MeetingResult:
    """A valid meeting's ballots and, for a decision, who got the majority of those due."""

    members_due: int
    votes: list[tuple[str, int, str]]  # (member, candidate id, choice)
    agree: dict[int, int] = field(default_factory=dict)
    approved: set[int] = field(default_factory=set)


def check_meeting(data: dict, *, candidates: list[Candidate], decision: bool) -> MeetingResult:
    """Check a meeting's attendance and ballots (steps 6 and 13).

    At least two thirds of the members due attend (``attending * 3 >= members_due * 2``, in integers); each
    member votes once per candidate and no more members vote than attended. For a decision, a candidate is
    approved with 同意 from more than half of the members **due** (``agree * 2 > members_due``), and a decision
    that approves nobody is refused.
    """
    members_due, attending = _count(data, "members_due"), _count(data, "attending")
    if attending > members_due:
        raise WorkflowError(messages.ATTENDANCE_ABOVE_DUE.format(attending=attending, members_due=members_due),
                            code="attendance_above_due")
    if members_due == 0 or attending * 3 < members_due * 2:
        raise WorkflowError(messages.ATTENDANCE_TOO_LOW.format(attending=attending, members_due=members_due),
                            code="attendance_too_low")
    parse_date(data, "meeting_date")
    active = {candidate.pk for candidate in candidates}
    votes, seen = [], set()
    raw_votes = data["votes"] if isinstance(data["votes"], list) else []
    for index, vote in enumerate(raw_votes, start=1):
        if not isinstance(vote, dict) or not str(vote.get("member") or "").strip():
            raise WorkflowError(messages.VOTE_INVALID.format(index=index), code="vote_invalid")
        member = str(vote["member"]).strip()
        candidate_id = _candidate_id(vote.get("candidate"))
        if candidate_id not in active:
            raise WorkflowError(messages.VOTE_UNKNOWN_CANDIDATE, code="vote_unknown_candidate")
        if vote.get("choice") not in Vote.Choice.values:
            raise WorkflowError(messages.VOTE_BAD_CHOICE, code="vote_bad_choice")
        if (member, candidate_id) in seen:
            raise WorkflowError(messages.VOTE_DUPLICATE.format(member=member), code="vote_duplicate")
        seen.add((member, candidate_id))
        votes.append((member, candidate_id, vote["choice"]))
    voters = len({member for member, _, _ in votes})
    if voters > attending:
        raise WorkflowError(messages.VOTE_TOO_MANY_VOTERS.format(voters=voters, attending=attending),
                            code="vote_too_many_voters")
    result = MeetingResult(members_due=members_due, votes=votes)
    result.agree = dict.fromkeys(active, 0)
    for _, candidate_id, choice in votes:
        result.agree[candidate_id] += choice == Vote.Choice.AGREE
    if decision:
        result.approved = {pk for pk, agree in result.agree.items() if agree * 2 > members_due}
        if not result.approved:
            raise WorkflowError(messages.NO_CANDIDATE_APPROVED, code="no_candidate_approved")
    return result


def negative_list(candidates: list[Candidate], *, on: dt.date, excluded: dict) -> dict[int, list[str]]:
    """Return, per candidate id, why the candidate may not be inspected on ``on`` (不得列为考察对象).

    Reasons: a 年度考核 grade in ``NEGATIVE_GRADES`` for any of the last three years (``on.year - 3`` to
    ``on.year``: a grade of the current year already entered counts too); a discipline or 诫勉 whose
    effect lasts to ``on`` or later; a reason a person entered in ``excluded`` ({candidate id: reason}).
    Two queries, whatever the number of candidates.
    """
    by_cadre = {candidate.cadre_id: candidate.pk for candidate in candidates}
    reasons: dict[int, list[str]] = {}
    appraisals = AnnualAppraisal.objects.filter(
        cadre_id__in=by_cadre, grade__in=AnnualAppraisal.NEGATIVE_GRADES,
        year__gte=on.year - NEGATIVE_APPRAISAL_YEARS, year__lte=on.year,
    ).order_by("year")
    for appraisal in appraisals:
        reasons.setdefault(by_cadre[appraisal.cadre_id], []).append(
            messages.NEGATIVE_APPRAISAL.format(year=appraisal.year, grade=appraisal.get_grade_display()))
    actions = DisciplineAction.objects.filter(cadre_id__in=by_cadre, effect_until__gte=on).order_by("decided_on")
    for action in actions:
        reasons.setdefault(by_cadre[action.cadre_id], []).append(
            messages.NEGATIVE_DISCIPLINE.format(kind=action.get_kind_display(), date=action.effect_until))
    active = set(by_cadre.values())
    for key, reason in (excluded or {}).items():
        candidate_id = _candidate_id(key)
        if candidate_id in active:
            reasons.setdefault(candidate_id, []).append(str(reason or "").strip() or "人工排除")
    return reasons


def check_candidates(data: dict, *, candidates: list[Candidate], post_count: int, on: dt.date) -> None:
    """Check the inspection candidates (step 7): more than the posts, and nobody on the negative list.

    "More candidates than posts" (docs/selection.md) is enforced strictly for every method, 个别提拔 included:
    the bureau's rule is a competitive choice at step 7 whatever the method.
    """
    if len(candidates) <= post_count:
        raise WorkflowError(messages.TOO_FEW_CANDIDATES.format(count=len(candidates), post_count=post_count),
                            code="too_few_candidates")
    excluded = data.get("excluded") or {}
    reasons = negative_list(candidates, on=on, excluded=excluded if isinstance(excluded, dict) else {})
    if reasons:
        names = "；".join(
            f"{candidate.cadre.name}（{'、'.join(reasons[candidate.pk])}）"
            for candidate in candidates if candidate.pk in reasons
        )
        raise WorkflowError(messages.NEGATIVE_LIST.format(names=names), code="negative_list")


def check_inspection_notice(data: dict) -> None:
    """Check that the 考察预告 comes 1 to 3 working days before the inspection (step 8)."""
    notice, inspection = parse_date(data, "notice_date"), parse_date(data, "inspection_date")
    if not inspection_notice_ok(notice, inspection):
        raise WorkflowError(messages.INSPECTION_NOTICE_BAD.format(notice=notice, inspection=inspection),
                            code="inspection_notice")


def check_publicity(data: dict) -> None:
    """Check that the 公示 lasts at least five working days (step 14); an unknown year's error passes through."""
    start, end = parse_date(data, "start"), parse_date(data, "end")
    if not publicity_is_long_enough(start, end, 5):
        days = working_days_between(start, end) if end >= start else 0
        raise WorkflowError(messages.PUBLICITY_TOO_SHORT.format(start=start, end=end, days=days),
                            code="publicity_too_short")


def probation_end(decided_on: dt.date) -> dt.date:
    return add_years(decided_on, PROBATION_YEARS)


def check_probation(data: dict, *, decided_on: dt.date | None, appointed: list[Candidate], today: dt.date) -> dict:
    """Check the probation review (step 16); return {candidate id: result} for the appointed candidates."""
    if decided_on is None:
        raise WorkflowError(messages.NO_DECISION_DATE, code="no_decision_date")
    end = probation_end(decided_on)
    if today < end:
        raise WorkflowError(messages.PROBATION_NOT_OVER.format(date=end), code="probation_not_over")
    raw = data["results"] if isinstance(data["results"], dict) else {}
    results = {_candidate_id(key): value for key, value in raw.items()}
    missing = [candidate.cadre.name for candidate in appointed if candidate.pk not in results]
    if missing:
        raise WorkflowError(messages.PROBATION_RESULTS_MISSING.format(names="、".join(missing)),
                            code="probation_results_missing")
    if any(results[candidate.pk] not in ("competent", "incompetent") for candidate in appointed):
        raise WorkflowError(messages.PROBATION_BAD_RESULT, code="probation_bad_result")
    return {candidate.pk: results[candidate.pk] for candidate in appointed}
