"""Demo data of 定期考察 for seed_demo: the quarters of this year, last year's 年度考核, two 考察 visits.

Written through the services as the demo accounts (keshi enters 办公室's grids, renshi the others
and confirms), so history, audit and the hooks are real. Idempotent: a grid, a year's grades or a
visit already there is left as it is. The current quarter is left empty: it is for keshi to fill.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from cadres.models import Cadre, Department
from cadres.services.records import child_record_save
from oversight import services
from oversight.models import (
    AnnualAppraisal,
    DisciplineAction,
    InspectionShortcoming,
    InspectionVisit,
    QuarterlyReview,
)
from oversight.selectors_inspection import current_quarter
from oversight.services.inspection import annual_roster, quarterly_roster

_GRADES = ["good"] * 11 + ["fair"] * 6 + ["average"] * 2
DEMO_WARNING = "违反工作纪律（演示）"
DEMO_VISITS = [
    ("办公室", {"political_rating": "good", "political_text": "理想信念坚定，认真参加理论学习。",
                "performance_rating": "fair", "performance_text": "较好完成公文运转和会务保障工作。",
                "morale_rating": "good", "morale_text": "工作积极主动，敢于担当。",
                "integrity_rating": "good", "integrity_text": "严格遵守廉洁自律各项规定。"},
     [("performance", "统筹协调能力有待提高，重大活动保障经验不足", "安排参与全局重大活动筹备，跟班学习"),
      ("morale", "创新意识不够强", "参加创新思维专题培训")]),
    ("办公室", {"political_rating": "good", "performance_rating": "good", "morale_rating": "fair",
                "integrity_rating": "good", "performance_text": "信息报送质量高，多篇被区委采用。"},
     [("other", "基层工作经历较少", "安排到基层单位挂职锻炼")]),
]


def _previous_quarters(today: dt.date, count: int) -> list[tuple[int, int]]:
    year, quarter = current_quarter(today)
    periods = []
    for _ in range(count):
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        periods.append((year, quarter))
    return list(reversed(periods))


def ensure_demo_inspection() -> None:
    """Seed the demo grids, grades and visits (a second run changes nothing)."""
    users = {user.username: user for user in get_user_model().objects.filter(username__in=["renshi", "keshi"])}
    staff, head = users.get("renshi"), users.get("keshi")
    if staff is None or not Cadre.objects.exists():
        return
    rng = random.Random(13)  # noqa: S311 - demo data, not a secret
    today = timezone.localdate()
    units = [unit for unit in Department.objects.in_tree_order() if Cadre.objects.filter(department=unit).exists()]
    periods = _previous_quarters(today, 3)
    for index, (year, quarter) in enumerate(periods):
        latest = index == len(periods) - 1
        for position, unit in enumerate(units):
            if QuarterlyReview.objects.filter(department=unit, year=year, quarter=quarter).exists():
                continue
            # The latest quarter: two units still to submit, two awaiting confirmation, the rest confirmed.
            if latest and position in (len(units) - 1, len(units) - 2):
                continue
            actor = head if unit.name == "办公室" and head is not None else staff
            cadres = list(quarterly_roster(unit, year, quarter))
            grades = {cadre.pk: (rng.choice(_GRADES), "") for cadre in cadres}
            if latest and position == 1 and cadres:
                grades[cadres[0].pk] = ("poor", "多次无故迟到，工作推诿（演示）")
            review, _ = services.quarterly_grades_save(actor=actor, department=unit, year=year, quarter=quarter,
                                                       grades=grades, submit=bool(cadres))
            if cadres and not (latest and position in (2, 3)):
                services.quarterly_review_confirm(actor=staff, review=review)
    _annual(staff, units, today.year - 1, rng)
    _visits(staff)


def _annual(staff, units, year: int, rng: random.Random) -> None:
    if AnnualAppraisal.objects.filter(year=year).exists():
        return
    # One 警告 decided in the year (优秀 refused: the grid shows why) and one 记过 in effect (不定等次).
    first = annual_roster(units[0], year).first() if units else None
    if first is None:
        return
    warned, demerited = list(annual_roster(units[1] if len(units) > 1 else units[0], year)[:2])
    for cadre, kind, decided_on, effect_until in (
            (warned, DisciplineAction.Kind.WARNING, dt.date(year, 6, 18), dt.date(year + 1, 12, 17)),
            (demerited, DisciplineAction.Kind.DEMERIT, dt.date(year - 1, 11, 5), dt.date(year + 1, 5, 4))):
        if not DisciplineAction.objects.filter(cadre=cadre, kind=kind, summary=DEMO_WARNING).exists():
            services.discipline_save(actor=staff, action=DisciplineAction(
                cadre=cadre, kind=kind, decided_on=decided_on, effect_until=effect_until, summary=DEMO_WARNING))
    for unit in units[:-1]:  # the last unit is left to enter: the desk shows it
        cadres = list(annual_roster(unit, year))
        grades = {}
        for cadre in cadres:
            grades[cadre.pk] = "excellent" if rng.random() < 0.15 else "competent"
        if warned.pk in grades:
            grades[warned.pk] = "competent"
        if demerited.pk in grades:
            grades[demerited.pk] = "unrated"
        services.annual_grades_save(actor=staff, department=unit, year=year, grades=grades)


def _visits(staff) -> None:
    if InspectionVisit.objects.exists():
        return
    for index, (unit_name, ratings, shortcomings) in enumerate(DEMO_VISITS):
        cadre = Cadre.objects.filter(department__name=unit_name).order_by("pk")[index:index + 1].first()
        if cadre is None:
            continue
        visit = child_record_save(actor=staff, obj=InspectionVisit(
            cadre=cadre, visited_on=timezone.localdate() - dt.timedelta(days=40 + 20 * index),
            inspectors="组织人事科 张某、李某（演示）", **ratings))
        for area, description, suggestion in shortcomings:
            child_record_save(actor=staff, obj=InspectionShortcoming(
                cadre=cadre, visit=visit, area=area, description=description, suggestion=suggestion))
