"""The evaluators of the 动态管理 flag rules (``FlagRule``): one function per rule code, set-based.

Each evaluator takes the rule (its numbers are data), the team (a queryset of cadres) and the
day, and returns ``{cadre_id: (key, evidence)}`` for the cadres the rule flags: ``key`` names the
years or quarters the flag rests on (a flag is raised once per cadre, rule and key), ``evidence``
says it in words. One or two queries per rule, whatever the size of the team.

The team (``team``) is the 科级干部 of DOMAIN.md: in service, holding a 正科 or 副科 leadership post.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from cadres.codes import SECTION_LEVELS
from cadres.models import Cadre, in_service_on
from oversight.models import AnnualAppraisal, FlagRule, QuarterlyGrade, QuarterlyReview, Rating, RecognitionEvaluation
from oversight.models.adjustments import number
from oversight.selectors.points import points_totals

Hits = dict[int, tuple[str, str]]


def team(day: dt.date, base=None):
    """Return the 科级干部 on ``day`` (open posts: the cached current level of the roster)."""
    queryset = base if base is not None else Cadre.objects.all()
    return queryset.filter(in_service_on(day), current_level__in=SECTION_LEVELS)


def _years(rule: FlagRule, day: dt.date) -> range:
    """The appraisal years a rule looks at: the ``window`` years before ``day``'s year (grades come after a year)."""
    return range(day.year - rule.window, day.year)


def _grade_count(rule: FlagRule, members, day: dt.date, grade: str) -> Hits:
    years = _years(rule, day)
    found: dict[int, list[int]] = defaultdict(list)
    for cadre_id, year in (AnnualAppraisal.objects.filter(cadre__in=members, grade=grade, year__in=list(years))
                           .order_by("year").values_list("cadre_id", "year")):
        found[cadre_id].append(year)
    label = AnnualAppraisal.Grade(grade).label
    return {cadre_id: (",".join(map(str, found_years)), "、".join(f"{y}年度" for y in found_years) + f"考核{label}")
            for cadre_id, found_years in found.items() if len(found_years) >= rule.times}


def annual_incompetent(rule: FlagRule, members, day: dt.date) -> Hits:
    return _grade_count(rule, members, day, AnnualAppraisal.Grade.INCOMPETENT)


def basic_repeated(rule: FlagRule, members, day: dt.date) -> Hits:
    return _grade_count(rule, members, day, AnnualAppraisal.Grade.BASICALLY_COMPETENT)


def low_recognition(rule: FlagRule, members, day: dt.date) -> Hits:
    """The latest 民主测评 of each cadre, when its 认可度 is under the threshold (percent)."""
    if rule.threshold is None:
        return {}
    latest = {}
    for evaluation in (RecognitionEvaluation.objects.filter(cadre__in=members, evaluated_on__lte=day)
                       .order_by("cadre_id", "evaluated_on", "id").only("cadre_id", "evaluated_on", "participants",
                                                                         "approving", "occasion")):
        latest[evaluation.cadre_id] = evaluation
    return {
        cadre_id: (f"民主测评{evaluation.pk}",
                   f"{evaluation.occasion}认可度{evaluation.rate}%（低于{number(rule.threshold)}%）")
        for cadre_id, evaluation in latest.items() if evaluation.rate < rule.threshold
    }


def poor_quarters(rule: FlagRule, members, day: dt.date) -> Hits:
    """较差 in ``window`` confirmed quarters running (the latest such run; across a year's end too)."""
    found: dict[int, list[int]] = defaultdict(list)
    grades = (QuarterlyGrade.objects.filter(cadre__in=members, grade=Rating.POOR,
                                            review__state=QuarterlyReview.State.CONFIRMED,
                                            review__year__gte=day.year - 3, review__year__lte=day.year)
              .values_list("cadre_id", "review__year", "review__quarter"))
    for cadre_id, year, quarter in grades:
        found[cadre_id].append(year * 4 + quarter - 1)
    hits = {}
    for cadre_id, indexes in found.items():
        run: list[int] = []
        best: list[int] = []
        for index in sorted(set(indexes)):
            run = [*run, index] if run and index == run[-1] + 1 else [index]
            if len(run) >= rule.window:
                best = run[-rule.window:]
        if best:
            names = [f"{i // 4}年第{i % 4 + 1}季度" for i in best]
            hits[cadre_id] = (",".join(f"{i // 4}Q{i % 4 + 1}" for i in best), "、".join(names) + "平时考核较差")
    return hits


def low_points(rule: FlagRule, members, day: dt.date) -> Hits:
    """Last year's approved, still valid points below the threshold (cadres with no entry have no total)."""
    if rule.threshold is None:
        return {}
    year = day.year - 1
    totals = points_totals(members.values_list("pk", flat=True), year, today=day)
    return {cadre_id: (str(year), f"{year}年度积分{number(total)}分（低于{number(rule.threshold)}分）")
            for cadre_id, total in totals.items() if total < rule.threshold}


EVALUATORS: dict[str, Callable[[FlagRule, object, dt.date], Hits]] = {
    FlagRule.Code.ANNUAL_INCOMPETENT: annual_incompetent,
    FlagRule.Code.BASIC_REPEATED: basic_repeated,
    FlagRule.Code.POOR_QUARTERS: poor_quarters,
    FlagRule.Code.LOW_POINTS: low_points,
    FlagRule.Code.LOW_RECOGNITION: low_recognition,
}

