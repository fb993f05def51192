"""Reads of 定期考察 shared by its views, the desk and the timeline: scoped to the user, fixed queries.

Units are those the user may browse (``cadres.permissions.departments_visible_to``: a department
head's granted units and their sub-units); a grid lists the unit's cadres in service in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from cadres.codes import PersonnelStatus
from cadres.models import Cadre, Department, in_service_on
from cadres.permissions import departments_visible_to
from oversight.models import (
    AnnualAppraisal,
    InspectionShortcoming,
    QuarterlyGrade,
    QuarterlyReview,
    quarter_bounds,
)
from oversight.services.inspection import annual_roster, appraisal_conflicts, excellent_share, quarterly_roster

VIEW_QUARTERLY = "oversight.view_quarterlyreview"
VIEW_ANNUAL = "oversight.view_annualappraisal"


def current_quarter(today: dt.date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


def quarter_due(today: dt.date) -> tuple[int, int]:
    """Return the quarter whose grid is due: the current one, or the previous one in a quarter's first month."""
    year, quarter = current_quarter(today)
    if today.month in (1, 4, 7, 10):
        return (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return year, quarter


def _roster_count(day: dt.date):
    """A subquery: the number of cadres of the outer unit in service on ``day``."""
    cadres = (Cadre.objects.filter(department=OuterRef("pk")).filter(in_service_on(day))
              .order_by().values("department").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(cadres, output_field=IntegerField()), 0)


def grid_units(user, *, day: dt.date):
    """Return the units ``user`` may see that have cadres in service on ``day``, annotated ``roster``."""
    return (departments_visible_to(user).annotate(roster=_roster_count(day)).filter(roster__gt=0)
            .in_tree_order())


def grid_unit_or_none(user, pk):
    """Return the unit ``pk`` if ``user`` may see it, else None (the view answers 404 and audits)."""
    return departments_visible_to(user).filter(pk=pk).first()


# --- 平时考核 ---------------------------------------------------------------------------------------

STATE_FILTERS = {"pending": "未提交", "submitted": "待确认", "confirmed": "已确认"}


@dataclass
class QuarterlyRow:
    unit: Department
    roster: int
    review: QuarterlyReview | None

    @property
    def graded(self) -> int:
        return self.review.graded if self.review else 0

    @property
    def state(self) -> str:
        return self.review.state if self.review else QuarterlyReview.State.DRAFT

    @property
    def state_label(self) -> str:
        return self.review.get_state_display() if self.review else "未填报"


def quarterly_overview(user, *, year: int, quarter: int, state: str = "") -> list[QuarterlyRow]:
    """Return each unit's grid of the quarter (units × completeness) as ``user`` sees them (two queries)."""
    start, _ = quarter_bounds(year, quarter)
    units = list(grid_units(user, day=start))
    reviews = {review.department_id: review for review in QuarterlyReview.objects.filter(
        year=year, quarter=quarter, department__in=[unit.pk for unit in units],
    ).select_related("submitted_by", "confirmed_by").annotate(graded=Count("grades"))} if units else {}
    rows = [QuarterlyRow(unit, unit.roster, reviews.get(unit.pk)) for unit in units]
    if state == "pending":
        rows = [row for row in rows if row.state == QuarterlyReview.State.DRAFT]
    elif state in (QuarterlyReview.State.SUBMITTED, QuarterlyReview.State.CONFIRMED):
        rows = [row for row in rows if row.state == state]
    return rows


@dataclass
class GridRow:
    cadre: Cadre
    grade: str
    note: str
    conflicts: list = None


def quarterly_grid(department, *, year: int, quarter: int) -> tuple[QuarterlyReview | None, list[GridRow]]:
    """Return the unit's grid for the quarter: its review (None before the first save) and one row per cadre."""
    review = QuarterlyReview.objects.filter(department=department, year=year, quarter=quarter).select_related(
        "submitted_by", "confirmed_by").first()
    grades = {grade.cadre_id: grade for grade in QuarterlyGrade.objects.filter(review=review).select_related(
        "cadre")} if review else {}
    cadres = list(quarterly_roster(department, year, quarter))
    ids = {cadre.pk for cadre in cadres}
    cadres += sorted((grade.cadre for pk, grade in grades.items() if pk not in ids), key=lambda c: c.name)
    return review, [GridRow(cadre, grades[cadre.pk].grade if cadre.pk in grades else "",
                            grades[cadre.pk].note if cadre.pk in grades else "") for cadre in cadres]


def reviews_awaiting_confirmation():
    return QuarterlyReview.objects.filter(state=QuarterlyReview.State.SUBMITTED)


# --- 年度考核 --------------------------------------------------------------------------------------


@dataclass
class AnnualRow:
    unit: Department
    roster: int
    graded: int
    excellent: int


def annual_overview(user, *, year: int) -> list[AnnualRow]:
    """Return each unit's 年度考核 completeness for ``year`` (one query)."""
    day = dt.date(year, 1, 1)
    graded = (AnnualAppraisal.objects.filter(year=year, cadre__department=OuterRef("pk"))
              .filter(in_service_on_cadre(day)).order_by().values("cadre__department")
              .annotate(n=Count("pk"), e=Count("pk", filter=Q(grade=AnnualAppraisal.Grade.EXCELLENT))))
    units = grid_units(user, day=day).annotate(
        graded=Coalesce(Subquery(graded.values("n"), output_field=IntegerField()), 0),
        excellent=Coalesce(Subquery(graded.values("e"), output_field=IntegerField()), 0))
    return [AnnualRow(unit, unit.roster, unit.graded, unit.excellent) for unit in units]


def in_service_on_cadre(day: dt.date) -> Q:
    """``in_service_on`` seen from an appraisal (through its cadre)."""
    return Q(cadre__status=PersonnelStatus.ACTIVE) | Q(cadre__status_date__gt=day)


def annual_grid(department, *, year: int) -> list[GridRow]:
    """Return the unit's cadres for ``year`` with their grades and conflicts with 处分/诫勉 (three queries)."""
    cadres = list(annual_roster(department, year))
    grades = dict(AnnualAppraisal.objects.filter(year=year, cadre__in=[c.pk for c in cadres]).values_list(
        "cadre_id", "grade"))
    conflicts = appraisal_conflicts(cadres, year)
    return [GridRow(cadre, grades.get(cadre.pk, ""), "", conflicts.get(cadre.pk, [])) for cadre in cadres]


def annual_share(year: int) -> dict:
    return excellent_share(year)


# --- 考察 ------------------------------------------------------------------------------------------


def open_shortcomings(cadre):
    """Return the shortcomings 考察 found in ``cadre`` not yet marked 已整改, latest visit first."""
    return (InspectionShortcoming.objects.filter(cadre=cadre, resolved_on__isnull=True)
            .select_related("visit").order_by("-visit__visited_on", "pk"))


def units_without_grid(units_qs, *, year: int, quarter: int):
    """Return ``units_qs`` less the units whose grid of the quarter is submitted or confirmed."""
    done = QuarterlyReview.objects.filter(department=OuterRef("pk"), year=year, quarter=quarter).exclude(
        state=QuarterlyReview.State.DRAFT)
    return units_qs.filter(~Exists(done))
