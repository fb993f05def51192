"""Excel exports of 理论培训: programmes, the hours table by unit, a unit's cadres, the shortfall, appointment due.

Each reads through the same selector as its page (so the scope and filters are the page's) and writes with
``training.services.exports.export_workbook``, which also records the one audit row every export has.
"""

from django.core.exceptions import PermissionDenied

from training.models import TrainingSettings
from training.selectors import programmes as selectors
from training.services.exports import Column, ExportFile, export_workbook

EXPORT_PERMISSION = "training.export_training"


def _check(actor, permission: str) -> None:
    if not (actor.has_perm(permission) and actor.has_perm(EXPORT_PERMISSION)):
        raise PermissionDenied


def _num(value):
    return float(value) if value is not None else None


def programmes_export(*, actor, data) -> ExportFile:
    """The programme list as filtered."""
    _check(actor, "training.view_trainingprogramme")
    rows = list(selectors.programme_filterset(actor, data).qs)
    columns = [
        Column("培训名称", lambda p: p.name, 30, wrap=True),
        Column("培训类别", lambda p: p.get_category_display(), 16),
        Column("培训性质", lambda p: p.get_kind_display(), 14),
        Column("培训方式", lambda p: p.get_mode_display(), 10),
        Column("主办单位", lambda p: p.organiser, 20, wrap=True),
        Column("培训地点", lambda p: p.location, 16),
        Column("开始日期", lambda p: p.start_date, 12),
        Column("结束日期", lambda p: p.end_date, 12),
        Column("学时", lambda p: _num(p.hours), 8),
        Column("结业证书", lambda p: "是" if p.certificate else "否", 8),
        Column("参训人数", lambda p: p.enrolled, 8),
        Column("结业人数", lambda p: p.completed, 8),
    ]
    return export_workbook(actor=actor, data=data, title="培训项目", heading="培训项目一览", columns=columns, rows=rows,
                           object_type="training.trainingprogramme", object_repr="培训项目", filename="培训项目.xlsx")


def hours_table_export(*, actor, data) -> ExportFile:
    """The hours table by unit for the year asked for, with the bureau's total line."""
    _check(actor, "training.view_cadreyearhours")
    year = selectors.selected_year(data)
    rows = selectors.hours_by_unit(actor, year=year)
    totals = {"name": "合计", **selectors.hours_totals(rows)}
    required = TrainingSettings.current().required_hours
    columns = [
        Column("单位", lambda r: r["name"], 24),
        Column("统计人数", lambda r: r["counted"], 10),
        Column("达标人数", lambda r: r["reached"], 10),
        Column("未达标人数", lambda r: r["short"], 10),
        Column("总学时", lambda r: _num(r["total"]), 10),
        Column("人均学时", lambda r: _num(r["average"]), 10),
    ]
    heading = f"{year}年度干部教育培训学时统计（每人每年应完成{selectors.hours_text(required)}学时）"
    return export_workbook(actor=actor, data=data, title="学时统计", heading=heading, columns=columns, rows=rows,
                           total_row=totals, object_type="training.cadreyearhours", object_repr="培训学时统计",
                           filename=f"培训学时统计_{year}.xlsx", year=year)


def _cadre_columns():
    return [
        Column("姓名", lambda c: c.name, 10),
        Column("工作单位", lambda c: c.department.name, 20),
        Column("现任职务", lambda c: c.current_post_title, 20),
        Column("结业项目数", lambda c: c.programme_count, 10),
        Column("已完成学时", lambda c: _num(c.hours), 10),
        Column("应完成学时", lambda c: _num(c.required), 10),
        Column("差额学时", lambda c: _num(c.gap), 10),
    ]


def hours_unit_export(*, actor, department, data) -> ExportFile:
    """One unit's counted cadres with their hours, requirement and gap (the unit is in scope: the view checked)."""
    _check(actor, "training.view_cadreyearhours")
    year = selectors.selected_year(data)
    rows = list(selectors.cadre_hours(actor, year=year).filter(department=department))
    heading = f"{department.name} {year}年度干部培训学时"
    return export_workbook(actor=actor, data=data, title="学时明细", heading=heading, columns=_cadre_columns(),
                           rows=rows, object_type="training.cadreyearhours",
                           object_repr=f"培训学时明细：{department.name}",
                           filename=f"培训学时_{department.name}_{year}.xlsx", year=year, department=department.pk)


def shortfall_export(*, actor, data) -> ExportFile:
    """The cadres short of the yearly requirement, as filtered."""
    _check(actor, "training.view_cadreyearhours")
    filterset = selectors.shortfall_filterset(actor, data)
    rows = list(filterset.qs)
    heading = f"{filterset.year}年度培训学时未达标干部"
    return export_workbook(actor=actor, data=data, title="学时未达标", heading=heading, columns=_cadre_columns(),
                           rows=rows, object_type="training.cadreyearhours", object_repr="培训学时未达标",
                           filename=f"培训学时未达标_{filterset.year}.xlsx",
                           year=filterset.year)


def appointment_due_export(*, actor, data) -> ExportFile:
    """The cadres owing 任职培训."""
    _check(actor, "training.view_enrolment")
    rows = selectors.with_deadlines(list(selectors.appointment_due(actor)))
    columns = [
        Column("姓名", lambda c: c.name, 10),
        Column("工作单位", lambda c: c.department.name, 20),
        Column("现任职务", lambda c: c.current_post_title, 20),
        Column("职务层次", lambda c: c.get_current_level_display(), 10),
        Column("任现职时间", lambda c: c.current_post_start, 12),
        Column("任职培训期限", lambda c: c.deadline, 12),
    ]
    heading = "新任科级领导干部任职培训待完成名单"
    return export_workbook(actor=actor, data=data, title="任职培训待完成", heading=heading, columns=columns,
                           rows=rows, object_type="training.enrolment", object_repr="任职培训待完成",
                           filename="任职培训待完成.xlsx")
