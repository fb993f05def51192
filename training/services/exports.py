"""What every Excel export of 教育培养 does after reading its rows: the workbook, one audit row, the file.

The parts (理论培训, 实践锻炼/岗位交流, 年轻干部选育, 个人培养计划) each choose their rows through the same
selector as their page and their columns; the writing and the audit row (the filters, not the paging, and
the number of rows) are the same for all, so they live here once.
"""

from cadre_office.audit.services import Event, audit_record
from cadre_office.xlsx import Column, write_xlsx
from cadres.services.exports import ExportFile

__all__ = ["Column", "ExportFile", "export_filters", "export_workbook"]


def export_filters(data) -> dict:
    """The filters the list was asked with, as the audit row records them (paging left out)."""
    return {key: value for key, value in (data or {}).items() if value and key not in ("page", "per_page")}


def export_workbook(*, actor, data, title: str, heading: str, columns: list[Column], rows: list, object_type: str,
                    object_repr: str, filename: str, total_row=None, **detail) -> ExportFile:
    """Write ``rows`` (and ``total_row`` under them, not counted) as a workbook and record the export."""
    written = [*rows, total_row] if total_row is not None else rows
    content = write_xlsx(title=title, columns=columns, rows=written, heading=heading)
    audit_record(Event.EXPORT, actor=actor, object_type=object_type, object_repr=object_repr,
                 detail={"filters": export_filters(data), "rows": len(rows), **detail})
    return ExportFile(content=content, filename=filename, rows=len(rows))
