"""Gather the monthly report's content for month M over a scope (unit subtrees, None: the whole bureau).

Parts one to four (structure, targets, changes in the team, retirement) are here; five to seven (the
month's selection, oversight and training work) in ``activity``; the scope and the month's bounds in ``scope``.

Every part reads a fixed number of queries (aggregates, or lists bounded by the month's events and by
the 12-month retirement window), whatever the roster size. The structure tables take their numbers
from ``structure.monthly_report_figures`` and nothing else; the targets reuse the dashboard's
``figures.compute``; retirement uses ``cadres.retirement``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, Subquery, Sum
from django.utils import timezone

from cadre_office.dashboard import figures as dashboard_figures
from cadre_office.dashboard.models import Figure, Snapshot, Target
from cadre_office.dashboard.selectors.cards import met, percent, ratio
from cadre_office.dashboard.services import plan_for, target_params
from cadre_office.reports.monthly.activity import oversight_part, selection_part, training_part
from cadre_office.reports.monthly.scope import LEVEL_LABELS, SECTION_LEVELS, Scope, add_months, day_bounds
from cadre_office.reports.monthly.tree import Col, Part, ReportContent, Table
from cadre_office.reports.structure import AGE_BANDS, EDUCATION_CLASSES, OTHER_EDUCATION, month_end
from cadres.codes import Gender, PersonnelStatus
from cadres.models import Cadre, PostAssignment
from cadres.retirement import due_cadres, outlook

TREND_MONTHS = 6
RETIREMENT_MONTHS = 12
NUMBERS = "一二三四五六七八九十"


# --- 1 structure ------------------------------------------------------------------------------------------------

LEVEL_COLUMNS = [Col("正科", 8, True), Col("副科", 8, True), Col("合计", 8, True)]


def _by_level(label: str, zheng: int, fu: int) -> list:
    return [label, zheng, fu, zheng + fu]


def structure_part(figures: dict) -> Part:
    """The structure tables, every number read from ``figures`` (the ``--json`` object)."""
    zheng, fu = figures["structure"]["正科"], figures["structure"]["副科"]
    education = [label for label, _ in EDUCATION_CLASSES] + [OTHER_EDUCATION]
    ages = Table("表1 年龄结构（统计时点周岁）", [Col("年龄段", 16), *LEVEL_COLUMNS],
                 [_by_level(label, zheng["age"][label], fu["age"][label]) for label, _, _ in AGE_BANDS]).with_total()
    full_time = Table("表2 全日制学历", [Col("学历", 16), *LEVEL_COLUMNS],
                      [_by_level(label, zheng["education_full_time"][label], fu["education_full_time"][label])
                       for label in education]).with_total()
    highest = Table("表3 最高学历（全日制与在职取高）", [Col("学历", 16), *LEVEL_COLUMNS],
                    [_by_level(label, zheng["education_highest"][label], fu["education_highest"][label])
                     for label in education]).with_total()
    new = figures["new_posts"]
    other = Table("表4 人数、女性、少数民族、党外及当月新任", [Col("项目", 16), *LEVEL_COLUMNS], [
        _by_level("科级干部人数", zheng["total"], fu["total"]),
        _by_level("其中：女性", zheng["female"], fu["female"]),
        _by_level("少数民族", zheng["minority"], fu["minority"]),
        _by_level("党外", zheng["non_party"], fu["non_party"]),
        _by_level("当月新任", new["正科"], new["副科"]),
    ], note="同时担任正科、副科职务的按正科计一次；当月新任指统计时点在任、该层次职务于当月开始任职的人数。")
    total = zheng["total"] + fu["total"]
    return Part("一", "科级干部队伍结构", "结构统计", [ages, full_time, highest, other], lines=[
        f"统计时点科级干部共 {total} 人，其中正科 {zheng['total']} 人、副科 {fu['total']} 人；"
        f"当月新任正科 {new['正科']} 人、副科 {new['副科']} 人。"])


# --- 2 targets --------------------------------------------------------------------------------------------------


def _value_text(kind: str, numerator: int, denominator: int | None) -> str:
    if kind == Target.Kind.COUNT:
        return str(numerator)
    return percent(ratio(numerator, denominator)) or "暂无数据"


def _change_text(kind: str, now: tuple, before: tuple) -> str:
    if kind == Target.Kind.COUNT:
        delta = now[0] - before[0]
        return f"{delta:+d} 人" if delta else "持平"
    a, b = ratio(*now), ratio(*before)
    if a is None or b is None:
        return "—"
    points = ((a - b) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{points:+} 个百分点" if points else "持平"


def _status_text(goal, reached: bool | None) -> str:
    if goal is None:
        return "无具体目标"
    return "暂无数据" if reached is None else ("已达标" if reached else "未达标")


def _stored_counts(plan, days: list[dt.date], scope: Scope) -> dict[dt.date, dict[str, tuple]]:
    """The dashboard's stored figures (its nightly snapshots) of ``days`` for the scope: two queries.

    A month-end the dashboard has stored is read, not recounted, so the report shows what the dashboard
    showed for that date; the days without a snapshot are computed by the caller.
    """
    stored = set(Snapshot.objects.filter(plan=plan, as_of__in=days).values_list("as_of", flat=True))
    if not stored:
        return {}
    rows = (Figure.objects.filter(snapshot__plan=plan, snapshot__as_of__in=stored)
            .filter(Q(department__isnull=True) if scope.departments is None else scope.q())
            .order_by().values_list("snapshot__as_of", "code")
            .annotate(n=Sum("numerator"), d=Sum("denominator")))
    counts = {day: {} for day in stored}
    for day, code, numerator, denominator in rows:
        counts[day][code] = (numerator or 0, denominator or 0)
    return counts


def targets_part(as_of: dt.date, scope: Scope) -> Part:
    """Each target of the plan in force on D: actual, goal, met, change since last month's end, 6 month-ends.

    The counts are the dashboard's own (``figures.compute`` per month-end, one query each), summed over
    the scope's units, so the report agrees with the dashboard's definitions.
    """
    plan = plan_for(as_of)
    trend_days = [month_end(add_months(as_of, -n)) for n in range(TREND_MONTHS - 1, -1, -1)]
    # Percentages and counts shown as text ("35.0%", "14/43"): right-aligned as numbers, never summed.
    columns = [Col("目标", 34), Col("目标值", 9, True), Col("实际", 9, True), Col("分子/分母", 11, True),
               Col("是否达标", 10), Col("较上月末", 14, True)]
    table = Table(f"表5 结构目标完成情况（{as_of:%Y-%m-%d}）", columns, empty="未设定实施意见（规划）。")
    trend = Table(f"表6 近{TREND_MONTHS}个月月末趋势",
                  [Col("目标", 34)] + [Col(f"{day:%Y-%m}", 9, True) for day in trend_days],
                  empty="未设定实施意见（规划）。")
    if plan is None:
        return Part("二", "结构目标完成情况", "目标完成情况", [table, trend])
    targets = list(plan.targets.order_by("sort_order", "id"))
    params = target_params(plan)
    counts_by_day = _stored_counts(plan, trend_days, scope)  # the rest computed as the dashboard computes
    for day in trend_days:
        if day in counts_by_day:
            continue
        bureau, by_department = dashboard_figures.compute(day, params)
        if scope.departments is None:
            counts_by_day[day] = {code: (c.numerator, c.denominator) for code, c in bureau.items()}
            continue
        sums: dict[str, list] = defaultdict(lambda: [0, 0])
        for department_id, counts in by_department.items():
            if scope.holds(department_id):
                for code, c in counts.items():
                    sums[code][0] += c.numerator
                    sums[code][1] += c.denominator or 0
        counts_by_day[day] = {code: tuple(value) for code, value in sums.items()}
    met_count = 0
    for target in targets:
        series = []
        for day in trend_days:
            numerator, denominator = counts_by_day[day].get(target.code, (0, 0))
            series.append((numerator, denominator if target.kind == Target.Kind.RATIO else None))
        now = series[-1]
        reached = met(target.goal, now[0], now[1], target.kind)
        met_count += bool(reached)
        goal = "" if target.goal is None else (
            f"{(Decimal(target.goal) * 100).normalize():f}%" if target.kind == Target.Kind.RATIO
            else f"{int(target.goal)} 人")
        table.rows.append([
            target.name, goal or "—", _value_text(target.kind, *now),
            f"{now[0]}/{now[1]}" if target.kind == Target.Kind.RATIO else str(now[0]),
            _status_text(target.goal, reached), _change_text(target.kind, now, series[-2]),
        ])
        trend.rows.append([target.name, *[_value_text(target.kind, *point) for point in series]])
    with_goal = sum(1 for t in targets if t.goal is not None)
    return Part("二", "结构目标完成情况", "目标完成情况", [table, trend], lines=[
        f"执行《{plan.name}》（{plan.start_date:%Y-%m-%d} 至 {plan.end_date:%Y-%m-%d}），"
        f"有具体目标值的 {with_goal} 项中已达标 {met_count} 项。"])


# --- 3 changes --------------------------------------------------------------------------------------------------


def changes_part(first: dt.date, as_of: dt.date, scope: Scope) -> Part:
    """New posts, removals, retirements, transfers in and out during M (lists bounded by the month's events)."""
    cadres = scope.cadres()
    posts = (PostAssignment.objects.filter(scope.q("cadre__"), level__in=SECTION_LEVELS)
             .filter(Q(start_date__range=(first, as_of)) | Q(end_date__range=(first, as_of)))
             .values_list("cadre__name", "department_id", "title", "level", "start_date", "end_date")
             .order_by("start_date", "cadre__name_pinyin", "pk"))
    new, removed = [], []
    for name, department_id, title, level, start, end in posts:
        row = [name, scope.name(department_id), title, LEVEL_LABELS.get(level, "")]
        if start and first <= start <= as_of:
            new.append([*row, start])
        if end and first <= end <= as_of:
            removed.append([*row, end])
    removed.sort(key=lambda row: row[-1])
    left = (cadres.filter(status__in=(PersonnelStatus.RETIRED, PersonnelStatus.TRANSFERRED),
                          status_date__range=(first, as_of))
            .values_list("name", "department_id", "current_post_title", "status", "status_date", "status_reason")
            .order_by("status_date", "name_pinyin", "pk"))
    retired, transferred_out = [], []
    for name, department_id, post, status, day, reason in left:
        if status == PersonnelStatus.RETIRED:
            retired.append([name, scope.name(department_id), post, day, reason])
        else:
            transferred_out.append([name, scope.name(department_id), "（调离本局）", day, reason])
    moved_in, moved_out, moved_within = _moves(first, as_of, scope)
    transferred_out += moved_out
    person = [Col("姓名", 10), Col("单位", 24), Col("职务", 24), Col("层次", 6), Col("日期", 11)]
    status_columns = [Col("姓名", 10), Col("单位", 24), Col("原任职务", 24), Col("日期", 11), Col("说明", 30)]
    move_columns = [Col("姓名", 10), Col("原单位", 24), Col("现单位", 24), Col("记录日期", 11), Col("说明", 30)]
    kinds = [("新任科级职务", new), ("免去科级职务", removed), ("退休", retired), ("调入", moved_in),
             ("调出", transferred_out), ("内部调整单位", moved_within)]
    summary = Table("表7 队伍变化汇总", [Col("类别", 16), Col("人次", 8, True)],
                    [[label, len(rows)] for label, rows in kinds])
    return Part("三", "队伍变化情况", "队伍变化", [
        summary,
        Table("表8 新任科级职务", person, new, listing=True),
        Table("表9 免去科级职务", person, removed, listing=True),
        Table("表10 退休", status_columns, retired, listing=True, note="日期为退休之日（自该日起不再在职）。"),
        Table("表11 调入", move_columns, moved_in, listing=True),
        Table("表12 调出", move_columns, transferred_out, listing=True),
        Table("表13 内部调整单位", move_columns, moved_within, listing=True),
    ], lines=["本月" + "，".join(f"{label} {len(rows)} 人次" for label, rows in kinds) + "。"])


def _moves(first: dt.date, as_of: dt.date, scope: Scope) -> tuple[list, list, list]:
    """Department changes recorded in M (the roster's history), as moves into, out of and within the scope.

    One query: the history rows up to D's end of the cadres with a history row in M, in order; a move is
    a row in M whose unit differs from the row before it.
    """
    history = Cadre.history.model
    start, end = day_bounds(first, as_of)
    touched = history.objects.filter(history_date__gte=start, history_date__lt=end).values("id")
    rows = (history.objects.filter(id__in=Subquery(touched), history_date__lt=end)
            .order_by("id", "history_date", "history_id")
            .values_list("id", "name", "department_id", "history_date", "history_change_reason"))
    moved_in, moved_out, moved_within = [], [], []
    previous_id = previous_department = None
    for cadre_id, name, department_id, when, reason in rows.iterator(chunk_size=2000):
        if cadre_id == previous_id and department_id != previous_department and when >= start:
            row = [name, scope.name(previous_department), scope.name(department_id),
                   timezone.localdate(when), (reason or "")[:60]]
            was, now = scope.holds(previous_department), scope.holds(department_id)
            if was and now:
                moved_within.append(row)
            elif now:
                moved_in.append(row)
            elif was:
                moved_out.append(row)
        previous_id, previous_department = cadre_id, department_id
    return moved_in, moved_out, moved_within


# --- 4 retirement -----------------------------------------------------------------------------------------------


def retirement_part(as_of: dt.date, scope: Scope) -> Part:
    """The cadres in service on D whose statutory retirement month is within 12 months after D, overdue first."""
    rows = due_cadres(scope.cadres(), as_of=as_of, months=RETIREMENT_MONTHS).values_list(
        "name", "gender", "birth_date", "department_id", "current_post_title", "current_level")
    table = Table(f"表14 {RETIREMENT_MONTHS}个月内到龄退休人员（已超期的在前）",
                  [Col("序号", 6, True), Col("姓名", 10), Col("性别", 6), Col("出生年月", 10), Col("单位", 24),
                   Col("现任职务", 24), Col("法定退休时间", 12), Col("距退休", 14)], empty="无。",
                  listing=True)
    overdue = 0
    for index, (name, gender, birth, department_id, post, level) in enumerate(rows, start=1):
        seen = outlook(birth, gender, as_of)
        overdue += seen.overdue
        table.rows.append([index, name, Gender(gender).label if gender else "", f"{birth:%Y.%m}",
                           scope.name(department_id), post or LEVEL_LABELS.get(level, ""), f"{seen.month:%Y年%m月}",
                           seen.text])
    return Part("四", "退休到龄情况", "退休到龄", [table], lines=[
        f"统计时点后 {RETIREMENT_MONTHS} 个月内到龄退休 {len(table.rows)} 人，其中已超过法定退休时间 {overdue} 人。"])


# --- the whole ----------------------------------------------------------------------------------------------------


def report_title(as_of: dt.date) -> str:
    return f"{settings.BUREAU_NAME}科级干部队伍建设情况月报（{as_of.year}年{as_of.month}月）"


def report_content(month: dt.date, *, figures: dict, departments=None, scope_label: str = "全局",
                   progress=None) -> ReportContent:
    """Return the report's content for ``month`` over ``departments``, built on ``figures`` (the JSON)."""
    as_of = month_end(month)
    first = as_of.replace(day=1)
    scope = Scope(departments)
    steps = [
        ("结构统计", lambda: structure_part(figures)),
        ("目标完成情况", lambda: targets_part(as_of, scope)),
        ("队伍变化", lambda: changes_part(first, as_of, scope)),
        ("退休到龄", lambda: retirement_part(as_of, scope)),
        ("选拔任用", lambda: selection_part(first, as_of, scope)),
        ("日常监督", lambda: oversight_part(first, as_of, scope)),
        ("教育培训", lambda: training_part(as_of, scope)),
    ]
    parts = []
    for index, (name, build) in enumerate(steps, start=1):
        parts.append(build())
        if progress:
            progress(name, index, len(steps))
    return ReportContent(title=report_title(as_of), bureau=settings.BUREAU_NAME, scope_label=scope_label,
                         month=first, as_of=as_of, figures=figures, parts=parts,
                         recipient=getattr(settings, "MONTHLY_REPORT_RECIPIENT", ""))
