"""定期考察's lines on the 工作台 (``cadre_office.desk``): grids to submit, confirm, and years to complete.

- A department head (enters, does not confirm): their units whose grid of the quarter due is not yet
  submitted (the previous quarter during the first month of a new one).
- Personnel staff (confirm): grids submitted and awaiting confirmation; units that have not submitted
  the quarter due; after a year ends, units whose 年度考核 of that year is not complete.
Each line links to the overview filtered to exactly those units. One query per line.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils.http import urlencode

from cadre_office.desk import Task, register
from cadres.models import Cadre, in_service_on
from oversight.models import AnnualAppraisal, QuarterlyReview, quarter_bounds
from oversight.selectors_inspection import grid_units, quarter_due, units_without_grid
from oversight.services.inspection import CONFIRM_PERMISSION, ENTER_PERMISSION

AREA = "日常监督"


@register
def inspection_tasks(*, user, today: dt.date) -> list[Task]:
    if not user.has_perm(ENTER_PERMISSION):
        return []
    year, quarter = quarter_due(today)
    period = QuarterlyReview(year=year, quarter=quarter).period
    overview = reverse("oversight:quarterly_overview")
    pending = units_without_grid(grid_units(user, day=quarter_bounds(year, quarter)[0]), year=year,
                                 quarter=quarter).count()
    pending_url = f"{overview}?{urlencode({'year': year, 'quarter': quarter, 'state': 'pending'})}"
    if not user.has_perm(CONFIRM_PERMISSION):
        return [Task(area=AREA, title=f"{period}平时考核待提交", count=pending, url=pending_url, tone="warning",
                     hint="逐人评定等次后提交人事部门确认", nav="oversight")]
    tasks = []
    # One line per quarter with grids awaiting confirmation (normally one), each linking to exactly those.
    submitted = (QuarterlyReview.objects.filter(state=QuarterlyReview.State.SUBMITTED).order_by("-year", "-quarter")
                 .values("year", "quarter").annotate(n=Count("pk")).values_list("year", "quarter", "n"))
    for grid_year, grid_quarter, count in submitted:
        url = f"{overview}?{urlencode({'year': grid_year, 'quarter': grid_quarter, 'state': 'submitted'})}"
        label = QuarterlyReview(year=grid_year, quarter=grid_quarter).period
        tasks.append(Task(area=AREA, title=f"{label}平时考核待确认", count=count, url=url, nav="oversight"))
    tasks.append(Task(area=AREA, title=f"{period}平时考核未提交的单位", count=pending, url=pending_url,
                      tone="warning"))
    last_year = today.year - 1
    day = dt.date(last_year, 1, 1)
    missing = Cadre.objects.filter(department=OuterRef("pk")).filter(in_service_on(day)).exclude(
        Exists(AnnualAppraisal.objects.filter(cadre=OuterRef("pk"), year=last_year)))
    incomplete = grid_units(user, day=day).filter(Exists(missing)).count()
    tasks.append(Task(area=AREA, title=f"{last_year}年度考核未录入完整的单位", count=incomplete,
                      url=f"{reverse('oversight:annual_overview')}?year={last_year}", tone="warning"))
    return tasks
