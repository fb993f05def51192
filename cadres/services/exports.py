"""Exports of the roster: the workbook and its audit row, written together.

The view only parses the request and sends the file; what is exported (the user's scope and
filters, full or masked numbers) and the record of who exported what are decided here.
"""

from dataclasses import dataclass

from django.utils import timezone

from cadre_office.audit.services import Event, audit_record
from cadre_office.xlsx import XLSX_CONTENT_TYPE
from cadres.permissions import can_see_full_id_number
from cadres.reports import RetirementExport, RosterExport
from cadres.selectors import retirement_filterset, roster


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    rows: int
    content_type: str = XLSX_CONTENT_TYPE


def roster_export(*, actor, data) -> ExportFile:
    """Return the roster ``actor`` may see, filtered by ``data`` (the page's query), as a workbook; audit it.

    Full ID numbers (and birth dates) only for those who may see them. The audit row keeps the
    filters as typed (decoded, so that ``audit_record`` can mask an ID number in them) and the row count.
    """
    full_id = can_see_full_id_number(actor)
    export = RosterExport(roster(actor, data), full_id=full_id)
    content = export.render()
    audit_record(
        Event.EXPORT, actor=actor, object_type="cadres.cadre", object_repr="干部花名册",
        detail={"filters": {key: value for key, value in data.items() if value and key != "page"},
                "rows": export.row_count, "full_id_number": full_id},
    )
    return ExportFile(content=content, filename=f"干部花名册_{timezone.localdate():%Y%m%d}.xlsx",
                      rows=export.row_count)


def retirement_export(*, actor, data) -> ExportFile:
    """Return the 到龄退休 list ``actor`` may see, filtered by ``data``, as a workbook; audited as the roster's."""
    full_id = can_see_full_id_number(actor)
    filterset = retirement_filterset(actor, data)
    export = RetirementExport(filterset.qs, full_id=full_id, as_of=filterset.as_of_day, months=filterset.horizon_months)
    content = export.render()
    audit_record(
        Event.EXPORT, actor=actor, object_type="cadres.cadre", object_repr="到龄退休名单",
        detail={"filters": {key: value for key, value in data.items() if value and key != "page"},
                "rows": export.row_count, "full_id_number": full_id},
    )
    return ExportFile(content=content, filename=f"到龄退休名单_{filterset.as_of_day:%Y%m%d}.xlsx",
                      rows=export.row_count)
