"""The monthly report's parts on the month's work: 选拔任用, 日常监督, 教育培训 (parts five to seven).

Each reads a fixed number of queries over the scope (``scope.Scope``), whatever the roster size.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, FilteredRelation, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from cadre_office.reports.monthly.scope import LEVEL_LABELS, SECTION_LEVELS, Scope, day_bounds
from cadre_office.reports.monthly.tree import Col, Part, Table
from cadres.models import PostAssignment
from oversight.models import (
    AdjustmentDecision,
    AdjustmentFlag,
    AnnualAppraisal,
    Filing,
    FlagRule,
    QuarterlyGrade,
    Talk,
)
from oversight.models.inspection import Rating
from selection.models import CaseStep, SelectionCase, StepDefinition, WorkflowTemplate
from training.models import TrainingSettings

# --- 5 selection ------------------------------------------------------------------------------------------------


def selection_part(first: dt.date, as_of: dt.date, scope: Scope) -> Part:
    """Cases opened in M, cases in progress by their current step, cases completed in M."""
    start, end = day_bounds(first, as_of)
    step_name = CaseStep.objects.filter(case=OuterRef("pk"), number=OuterRef("current_step")).values(
        "definition__name")[:1]
    cases = list(
        SelectionCase.objects.filter(scope.q())
        .filter(Q(created_at__gte=start, created_at__lt=end) | Q(state__in=("active", "paused"))
                | Q(state="completed"))
        .annotate(step_name=Subquery(step_name), finished=Max("events__at"))
        .filter(Q(created_at__gte=start, created_at__lt=end) | Q(state__in=("active", "paused"))
                | Q(finished__gte=start, finished__lt=end))
        .filter(created_at__lt=end)
        .order_by("number")
        .values_list("number", "title", "department_id", "post_title", "level", "method", "state", "current_step",
                     "step_name", "created_at", "finished"))
    methods = dict(SelectionCase.Method.choices)
    states = dict(SelectionCase.State.choices)
    opened, progressing, completed = [], [], []
    by_step = Counter()
    for number, title, department_id, post, level, method, state, step, name, created, finished in cases:
        row = [number, title, scope.name(department_id), post, LEVEL_LABELS.get(level, ""), methods.get(method, "")]
        if start <= created < end:
            opened.append([*row, timezone.localdate(created)])
        if state in ("active", "paused"):
            progressing.append([*row, f"第{step}步 {name or ''}".strip(), states[state]])
            by_step[step] += 1
        if state == "completed" and finished and start <= finished < end:
            completed.append([*row, timezone.localdate(finished)])
    template = WorkflowTemplate.objects.filter(is_current=True).first()
    names = dict(StepDefinition.objects.filter(template=template).values_list("number", "name")) if template else {}
    steps = Table("表15 进行中的选拔任用工作（按当前步骤）", [Col("步骤", 8), Col("名称", 30), Col("件数", 8, True)],
                  [[f"第{n}步", names.get(n, ""), by_step.get(n, 0)]
                   for n in sorted(set(names) | set(by_step))]).with_total(label_columns=2)
    case_columns = [Col("工作编号", 14), Col("事由", 24), Col("单位", 20), Col("拟任职务", 20), Col("层次", 6),
                    Col("方式", 10)]
    return Part("五", "选拔任用工作情况", "选拔任用", [
        steps,
        Table("表16 本月启动", [*case_columns, Col("启动日期", 11)], opened, listing=True),
        Table("表17 进行中", [*case_columns, Col("当前步骤", 24), Col("状态", 8)], progressing, empty="无。",
              listing=True),
        Table("表18 本月完成", [*case_columns, Col("完成日期", 11)], completed, listing=True),
    ], lines=[f"本月启动 {len(opened)} 件，完成 {len(completed)} 件；月末进行中 {len(progressing)} 件。"])


# --- 6 oversight ------------------------------------------------------------------------------------------------


def oversight_part(first: dt.date, as_of: dt.date, scope: Scope) -> Part:
    """Appraisals entered, talks held, flags and decisions, filings received, closed and overdue, in M."""
    start, end = day_bounds(first, as_of)
    cadre_scope = scope.q("cadre__")
    history = AnnualAppraisal.history.model
    annual = dict(history.objects.filter(history_type="+", history_date__gte=start, history_date__lt=end)
                  .filter(scope.q("cadre__")).order_by().values_list("grade")
                  .annotate(n=Count("history_id")))
    quarterly = dict(QuarterlyGrade.objects.filter(cadre_scope, review__confirmed_at__gte=start,
                                                   review__confirmed_at__lt=end)
                     .order_by().values_list("grade").annotate(n=Count("pk")))
    annual_table = Table("表19 年度考核（本月录入）", [Col("等次", 16), Col("人数", 8, True)],
                         [[label, annual.get(code, 0)] for code, label in AnnualAppraisal.Grade.choices]).with_total()
    quarterly_table = Table("表20 平时考核（本月确认的季度考核）", [Col("等次", 16), Col("人次", 8, True)],
                            [[label, quarterly.get(code, 0)] for code, label in Rating.choices]).with_total()
    talks = dict(Talk.objects.filter(cadre_scope, state=Talk.State.HELD, held_on__range=(first, as_of))
                 .order_by().values_list("kind").annotate(n=Count("pk")))
    talk_table = Table("表21 谈心谈话", [Col("谈话类型", 16), Col("次数", 8, True)],
                       [[label, talks.get(code, 0)] for code, label in Talk.Kind.choices]).with_total()
    flags = dict(AdjustmentFlag.objects.filter(cadre_scope, raised_on__range=(first, as_of))
                 .order_by().values_list("rule__code").annotate(n=Count("pk")))
    decisions = dict(AdjustmentDecision.objects.filter(cadre_scope, decided_on__range=(first, as_of))
                     .order_by().values_list("outcome").annotate(n=Count("pk")))
    flag_table = Table("表22 动态管理预警（本月）", [Col("预警规则", 24), Col("人次", 8, True)],
                       [[label, flags.get(code, 0)] for code, label in FlagRule.Code.choices]).with_total()
    decision_table = Table("表23 动态管理处理决定（本月）", [Col("处理结果", 24), Col("人次", 8, True)],
                           [[label, decisions.get(code, 0)]
                            for code, label in AdjustmentDecision.Outcome.choices]).with_total()
    open_on_d = (Q(filed_at__isnull=True) | Q(filed_at__gte=end)) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    filings = {row["kind"]: row for row in Filing.objects.filter(cadre_scope).order_by().values("kind").annotate(
        received=Count("pk", filter=Q(submitted_at__gte=start, submitted_at__lt=end)),
        closed=Count("pk", filter=Q(filed_at__gte=start, filed_at__lt=end)
                     | Q(closed_at__gte=start, closed_at__lt=end)),
        overdue=Count("pk", filter=Q(submitted_at__lt=end, due_on__lt=as_of) & open_on_d),
    )}
    filing_table = Table("表24 个人事项备案", [Col("备案类别", 16), Col("本月报送", 10, True),
                                          Col("本月办结", 10, True), Col("月末逾期未办结", 14, True)],
                         [[label, *(filings.get(code, {}).get(key, 0) for key in ("received", "closed", "overdue"))]
                          for code, label in Filing.Kind.choices]).with_total()
    tables = [annual_table, quarterly_table, talk_table, flag_table, decision_table, filing_table]
    return Part("六", "日常监督情况", "日常监督", tables, lines=[
        f"本月录入年度考核 {sum(annual.values())} 人次、确认平时考核 {sum(quarterly.values())} 人次，"
        f"开展谈话 {sum(talks.values())} 次，预警 {sum(flags.values())} 人次、"
        f"作出处理 {sum(decisions.values())} 人次。"])


# --- 7 training -------------------------------------------------------------------------------------------------


def training_part(as_of: dt.date, scope: Scope) -> Part:
    """The 学时 of D's year of the 科级 cadres on D against the yearly requirement, by unit. One grouped query."""
    required = TrainingSettings.current().required_hours
    held = PostAssignment.objects.as_of(as_of).filter(cadre=OuterRef("pk"), level__in=SECTION_LEVELS)
    rows = (scope.cadres().in_service_on(as_of).filter(Exists(held))
            .annotate(year_hours=FilteredRelation("training_years", condition=Q(training_years__year=as_of.year)))
            .order_by().values("department_id")
            .annotate(counted=Count("pk"), reached=Count("pk", filter=Q(year_hours__hours__gte=required)),
                      total=Sum("year_hours__hours")))
    units = sorted(rows, key=lambda row: scope.units.get(row["department_id"], ("", ""))[1])
    table = Table(f"表25 {as_of.year}年培训学时（每人每年应完成 {required:g} 学时）",
                  [Col("单位", 24), Col("科级干部", 9, True), Col("已达到", 9, True), Col("未达到", 9, True),
                   Col("学时合计", 10, True), Col("人均学时", 9)], empty="无科级干部。")
    for row in units:
        total = row["total"] or Decimal(0)
        table.rows.append([scope.name(row["department_id"]), row["counted"], row["reached"],
                           row["counted"] - row["reached"], total, _average(total, row["counted"])])
    table.with_total()
    counted, reached = table.total[1], table.total[2]
    table.total[5] = _average(table.total[4], counted)
    table.note = f"学时为截至报表生成时记入 {as_of.year} 年度的学时（年度培训学时表）；人均学时不是各单位人均的合计。"
    return Part("七", "教育培训情况", "教育培训", [table], lines=[
        f"{as_of.year}年科级干部 {counted} 人，已达到年度学时要求 {reached} 人、未达到 {counted - reached} 人，"
        f"人均 {_average(table.total[4], counted)} 学时。"])


def _average(total, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if count else Decimal("0.0")
