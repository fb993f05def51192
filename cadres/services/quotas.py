"""Writes of post quotas (职数), and the 职数 overview's export with its audit row.

A new approval is a new row (the one in force on a day is the latest effective on or before it);
correcting a row entered wrongly is an edit that needs a reason. Both leave a history row and an
audit row naming the unit, the kind, the number and the approving document.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from cadre_office.xlsx import Column, write_xlsx
from cadres import messages
from cadres.models import PostQuota
from cadres.selectors import QUOTA_SHOW_CHOICES, quota_overview
from cadres.services.exports import ExportFile

QUOTA_FIELDS = ("department", "level", "rank", "approved", "document", "approved_on", "effective_from", "remarks")


def _summary(quota: PostQuota) -> str:
    return (f"{quota.department.name}{quota.kind_label}核定 {quota.approved} 名，{quota.document}，"
            f"{quota.approved_on:%Y-%m-%d} 批准，{quota.effective_from:%Y-%m-%d} 起")


@transaction.atomic
def quota_create(*, actor, department, approved: int, document: str, approved_on: dt.date, effective_from: dt.date,
                 level: str = "", rank: str = "", remarks: str = "", reason: str = "") -> PostQuota:
    """Record an approval of ``department``'s quota of one kind (a leadership ``level`` or a ``rank``)."""
    quota = PostQuota(department=department, level=level, rank=rank, approved=approved, document=document.strip(),
                      approved_on=approved_on, effective_from=effective_from, remarks=remarks.strip())
    reason = reason or "核定职数"
    tracked_save(quota, actor=actor, reason=reason)
    audit_record(Event.CREATE, actor=actor, obj=quota, detail={"reason": reason, "notes": _summary(quota)})
    return quota


@transaction.atomic
def quota_update(*, actor, quota: PostQuota, reason: str, **fields) -> PostQuota:
    """Correct an approval entered wrongly; ``reason`` (why) is required and kept in the history and the audit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": messages.QUOTA_REASON_REQUIRED}, code="reason_required")
    quota = PostQuota.objects.select_for_update().get(pk=quota.pk)
    before = _summary(quota)
    for name, value in fields.items():
        if name not in QUOTA_FIELDS:
            raise TypeError(name)
        setattr(quota, name, value.strip() if isinstance(value, str) else value)
    tracked_save(quota, actor=actor, reason=f"更正职数：{reason}")
    audit_record(Event.UPDATE, actor=actor, obj=quota,
                 detail={"reason": reason, "from": before, "to": _summary(quota)})
    return quota


# --- the overview's export --------------------------------------------------------------------------


def _number(value):
    return "" if value is None else value


def quota_export(*, actor, as_of: dt.date, show: str = "") -> ExportFile:
    """Return the 职数 overview ``actor`` may see on ``as_of`` as a workbook; audit it."""
    overview = quota_overview(actor, as_of=as_of, show=show)
    columns = [Column("单位", lambda row: "\u3000" * row.unit.depth + row.unit.name, width=30)]
    for index, (_, label) in enumerate(overview.kind_labels):
        columns += [
            Column(f"{label}核定", lambda row, i=index: _number(row.figures[i].approved), width=9),
            Column(f"{label}实有", lambda row, i=index: row.figures[i].occupied, width=9),
            Column(f"{label}空缺", lambda row, i=index: _number(row.figures[i].vacant), width=9),
            Column(f"{label}超编", lambda row, i=index: _number(row.figures[i].over), width=9),
        ]
    total = [["合计", *[value for t in overview.totals for value in (t.approved, t.occupied, t.vacant, t.over)]]]
    rows = [[column.value(row) for column in columns] for row in overview.rows] + total
    content = write_xlsx(
        title="职数", heading=f"职数情况（统计时点 {as_of:%Y-%m-%d}）",
        columns=[Column(column.header, lambda row, i=i: row[i], width=column.width)
                 for i, column in enumerate(columns)],
        rows=rows,
    )
    detail = {"rows": len(overview.rows), "notes": f"统计时点 {as_of:%Y-%m-%d}"}
    if show:
        detail["filters"] = {"show": dict(QUOTA_SHOW_CHOICES)[show]}
    audit_record(Event.EXPORT, actor=actor, object_type="cadres.postquota", object_repr="职数情况", detail=detail)
    return ExportFile(content=content, filename=f"职数情况_{as_of:%Y%m%d}.xlsx", rows=len(overview.rows))
