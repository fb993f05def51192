"""定期考察's entries in a cadre's 全程记实 (``cadres.timeline``): one query per source.

- ``appraisal``: 年度考核 grades and confirmed 平时考核 grades (one UNION query);
- ``inspection``: 考察 visits with the shortcomings they found (one LEFT JOIN query, grouped here).
Each source shows only what the viewing user may read (the models' view permissions).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F, IntegerField, Value
from django.urls import reverse

from cadres.timeline import Entry, Link, TimelineSource, between, register
from oversight.models import (
    AnnualAppraisal,
    InspectionShortcoming,
    InspectionVisit,
    QuarterlyGrade,
    QuarterlyReview,
    Rating,
    quarter_bounds,
)

_ANNUAL_TONES = {AnnualAppraisal.Grade.EXCELLENT: "success", AnnualAppraisal.Grade.BASICALLY_COMPETENT: "warning",
                 AnnualAppraisal.Grade.INCOMPETENT: "danger"}
_QUARTERLY_TONES = {Rating.GOOD: "success", Rating.POOR: "danger"}


def _within(day: dt.date, start, end) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)


@register
class AppraisalSource(TimelineSource):
    kind = "appraisal"

    def entries(self, *, cadre, user, start=None, end=None):
        parts = []
        if user.has_perm("oversight.view_annualappraisal"):
            parts.append(AnnualAppraisal.objects.filter(cadre=cadre).order_by().annotate(
                quarter=Value(0, output_field=IntegerField())).values_list("year", "quarter", "grade", "pk"))
        if user.has_perm("oversight.view_quarterlygrade"):
            parts.append(QuarterlyGrade.objects.filter(cadre=cadre, review__state=QuarterlyReview.State.CONFIRMED)
                         .order_by().annotate(y=F("review__year"), q=F("review__quarter"))
                         .values_list("y", "q", "grade", "pk"))
        if not parts:
            return []
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        annual, quarterly = dict(AnnualAppraisal.Grade.choices), dict(Rating.choices)
        entries = []
        for year, quarter, grade, _pk in rows:
            if quarter:
                on = quarter_bounds(year, quarter)[1]
                title = f"{year}年第{quarter}季度平时考核：{quarterly.get(grade, grade)}"
                tone = _QUARTERLY_TONES.get(grade, "secondary")
            else:
                on = dt.date(year, 12, 31)
                title = f"{year}年度考核：{annual.get(grade, grade)}"
                tone = _ANNUAL_TONES.get(grade, "secondary")
            if _within(on, start, end):
                entries.append(Entry(on=on, kind=self.kind, title=title, tone=tone))
        return entries


@register
class InspectionSource(TimelineSource):
    kind = "inspection"

    def entries(self, *, cadre, user, start=None, end=None):
        if not user.has_perm("oversight.view_inspectionvisit"):
            return []
        visits = between(InspectionVisit.objects.filter(cadre=cadre), "visited_on", start, end)
        fields = [f"{key}_rating" for key, _ in InspectionVisit.ASPECTS]
        rows = visits.order_by("visited_on", "pk", "shortcomings__pk").values_list(
            "pk", "visited_on", "inspectors", *fields, "shortcomings__area", "shortcomings__description",
            "shortcomings__resolved_on")
        labels, areas, grouped = dict(Rating.choices), dict(InspectionShortcoming.Area.choices), {}
        for pk, visited_on, inspectors, *rest in rows:
            ratings, (area, description, resolved_on) = rest[:4], rest[4:]
            visit = grouped.setdefault(pk, {"on": visited_on, "inspectors": inspectors, "ratings": ratings,
                                            "shortcomings": []})
            if description:
                done = "（已整改）" if resolved_on else ""
                visit["shortcomings"].append(f"{areas.get(area, area)}方面{description}{done}")
        url = reverse("cadres:cadre_detail", args=[cadre.pk]) + "#inspection"
        entries = []
        for visit in grouped.values():
            summary = "，".join(f"{label}{labels.get(rating, rating)}"
                               for (_key, label), rating in zip(InspectionVisit.ASPECTS, visit["ratings"],
                                                                strict=True))
            detail = f"考察人员：{visit['inspectors']}"
            if visit["shortcomings"]:
                detail += "；发现不足：" + "；".join(visit["shortcomings"])
            poor = Rating.POOR in visit["ratings"]
            entries.append(Entry(on=visit["on"], kind=self.kind, title=f"考察：{summary}", detail=detail,
                                 tone="danger" if poor else "primary", links=(Link("考察记录", url),)))
        return entries
