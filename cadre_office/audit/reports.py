"""The audit log as a page and as a workbook: its columns, how each value reads, and the audited export.

The page and the export use the same formatters, so what the audit administrator sees on
screen is what the workbook says. Every key and coded value the app writes into ``detail`` reads in
Chinese (a test drives the writers and fails on any code left showing); free text is shown as stored,
except that anything that looks like a full ID number is masked (the audit administrator has no
right to full ID numbers: docs/security.md, masking) and a detail key naming a password is never shown.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from cadre_office.audit.models import AuditEvent
from cadre_office.audit.services import Event, audit_record
from cadre_office.xlsx import Column, write_xlsx
from cadres.idnumbers import mask_id_numbers_in

EXPORT_OBJECT_TYPE = "audit.auditevent"

# How the keys found in ``detail`` read, in the order they are shown (PostgreSQL's jsonb does not
# keep the order a dict was written in). Unknown keys follow, shown as they are (the test of the
# labels fails on any key the app writes that is missing here).
DETAIL_LABELS = {
    "from": "原值",
    "to": "新值",
    # What was done, where, and why.
    "action": "操作",
    "step": "环节",
    "number": "步骤",
    "record": "记录类别",
    "record_id": "记录编号",
    "record_name": "材料",
    "attachment": "材料编号",
    "report": "报表",
    "field": "字段",
    "fields": "字段",
    "changes": "变更内容",
    "pending": "待完成",
    "second_factor": "动态口令",
    "method": "操作方式",
    "path": "页面",
    "reason": "原因",
    "error": "错误",
    "file": "文件",
    "filename": "文件名",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "errors": "错误",
    "state": "状态",
    "opinion": "意见",
    "format": "格式",
    "attempts": "尝试次数",
    "failures": "失败次数",
    "status": "人员状态",
    "filters": "筛选条件",
    "rows": "行数",
    "full_id_number": "含完整身份证号",
    "count": "数量",
    "notes": "说明",
    # A batch change on the roster (cadres.services.batch): one row per cadre, the same batch number.
    "batch": "批次",
    "change": "批量变更项目",
    "value": "变更为",
    "effective_date": "生效日期",
    # The audit log's own filters (its export), the roster's filters (its export).
    "date_from": "日期从",
    "date_to": "日期至",
    "username": "用户名",
    "event": "事件",
    "outcome": "结果",
    "ip": "地址",
    "q": "关键词",
    "department": "单位",
    "level": "职务层次",
    "rank": "职级",
    "age_band": "年龄段",
    "gender": "性别",
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "education": "全日制学历",
    "sort": "排序",
    "per_page": "每页行数",
    "show": "显示范围",
    # Post quotas (职数) and a selection case started without a vacancy.
    "no_vacancy": "无空缺职数确认",
    # Selection cases: candidates and their outcome at a step.
    "candidate_id": "人选编号",
    "candidate_added": "增加人选数",
    "candidate_dropped": "减少人选数",
    "dropped": "不再列为人选",
    "approved": "通过人数",
    "appointed": "任职人数",
    "results": "试用期满考核",
    # Workflow templates, plans and targets, holidays.
    "template": "流程模板",
    "version": "版本",
    "from_version": "来源版本",
    "copied_from": "复制自",
    "steps": "步骤数",
    "targets": "指标数",
    "goal": "目标值",
    "age_max": "年龄上限",
    "start_date": "开始日期",
    "end_date": "结束日期",
    "actor": "承办",
    "decided_by_role": "审批角色",
    "approvers": "指定审批人",
    "required_records": "所需材料",
    "added": "新增日期",
    "changed": "修改日期",
    "removed": "删除日期",
    # Two-person changes, activation codes and moves of units (accounts and department services).
    "kind": "事项",
    # 日常监督: attachments, 动态管理, 定期考察, 积分, 谈心, 备案.
    "label": "附件名称",
    "size": "大小（字节）",
    "day": "检查日期",
    "flags": "预警编号",
    "decision": "决定编号",
    "rule": "规则",
    "times": "次数",
    "window": "期间",
    "threshold": "下限",
    "cadre": "干部",
    "excellent_share_percent": "优秀比例上限（%）",
    "points": "分值",
    "entry_id": "积分记录编号",
    "note": "备注",
    "year": "年度",
    "quarter": "季度",
    "period": "期间",
    "grade": "等次",
    "talk_id": "谈话编号",
    "talk": "谈话",
    "reward": "奖励记录编号",
    "request": "申请编号",
    "requested_by": "申请人",
    "comment": "处理意见",
    "parent": "上级单位",
    "gains": "新增可见",
    "losses": "不再可见",
    "expires": "有效期至",
    "devices": "解除验证器数",
    "issued_by": "激活码签发人",
    "activation_revoked": "未用激活码作废",
    "scope_cleared": "取消的管辖单位",
    "full_name": "姓名",
    "display_title": "职务",
    "user": "账号",
    "name": "名称",
    "role": "角色",
    "via": "管辖单位",
    "cadres": "干部人数",
    "active": "其中在职",
    "user_id": "账号编号",
    "id": "编号",
    # 教育培养: training, attendance import, placements, rotations, the young-cadre round, plans.
    "pk": "记录编号",
    "programme": "培训项目",
    "enrolment_id": "参训记录编号",
    "hours": "认定学时",
    "attended_hours": "出勤学时",
    "absences": "缺勤次数",
    "credited_on": "结业日期",
    "enrolled": "新报名人数",
    "completed": "结业人数",
    "full_id_numbers": "含完整身份证号",
    "host": "锻炼单位",
    "started_on": "开始日期",
    "ended_on": "结束日期",
    "assessment": "期满考核",
    "from_post": "原任职务",
    "planned_date": "计划交流日期",
    "done_on": "交流日期",
    "quota": "名额",
    "nomination_id": "推荐编号",
    "pool_member_id": "后备干部编号",
    "plan": "培养计划",
    "plan_id": "培养计划编号",
    "gaps": "短板数",
    "row_id": "明细编号",
    "text": "内容",
    "rating": "考评等次",
    # 报表: the monthly report's archive, the appointment form and its LRMX import.
    "month": "统计月份",
    "scope": "统计范围",
    "candidate": "人选编号",
    "existing_cadre": "匹配到已有干部",
    "import": "导入编号",
}

# Coded values written by the app's own audit calls, as people read them.
DETAIL_VALUES = {
    "reason": {"locked_out": "账号锁定中", "wrong": "激活码错误", "throttled": "尝试过于频繁",
               "no_live_code": "无有效激活码", "out_of_scope": "超出管辖范围"},
    "method": {"GET": "浏览", "HEAD": "浏览", "POST": "提交", "PUT": "修改", "PATCH": "修改", "DELETE": "删除"},
    # The second-factor page a wrong token was typed on; the step a password login still owes; how
    # the login passed its second factor.
    "step": {"setup": "绑定动态口令", "verify": "输入动态口令"},
    "pending": {"setup": "绑定动态口令", "verify": "输入动态口令"},
    "second_factor": {"setup": "首次绑定并验证", "verify": "已验证"},
    # The roster filter's own choices beyond the model's codes, and its sort orders ("-" = descending).
    "status": {"all": "全部状态"},
    "level": {"none": "无领导职务"},
    "ethnicity": {"minority": "少数民族"},
    "political_status": {"non_party": "党外干部"},
    "education": {"postgraduate": "研究生", "bachelor": "大学本科", "junior_college": "大学专科",
                  "secondary": "中专及以下"},
    "sort": {"department": "单位", "name": "姓名", "level": "职务层次", "rank": "职级", "birth_date": "出生日期",
             "post_start": "任现职时间"},
}

# Coded values whose names are the choices of another app's model field ("app_label.Model.field"),
# read through the app registry when first needed: the audit app sits below the others and imports
# none of them (docs/architecture.md, layers).
DETAIL_CHOICES = {
    "action": "selection.StepEvent.action",
    "results": "selection.Candidate.state",
    "status": "cadres.Cadre.status",
    "gender": "cadres.Cadre.gender",
    "ethnicity": "cadres.Cadre.ethnicity",
    "political_status": "cadres.Cadre.political_status",
    "level": "cadres.PostAssignment.level",
    "rank": "cadres.RankAssignment.rank",
}

# What a from → to change is a change of, by event.
CHANGE_LABELS = {
    Event.ROLE_CHANGE: "角色",
    Event.SCOPE_CHANGE: "管辖范围",
}

# The areas of the system, by URL namespace, for the page a refused or failed request asked for.
SECTION_NAMES = {
    "": "首页",
    "cadres": "干部名册",
    "dashboard": "结构看板",
    "selection": "选拔任用",
    "oversight": "日常监督",
    "training": "教育培养",
    "reports": "报表",
    "accounts": "用户管理",
    "audit": "审计日志",
    "admin": "后台管理",
}

SOURCE_PREFIXES = {"command": "命令", "task": "任务"}
SOURCE_NAMES = {"web": "网页", "system": "系统"}

HIDDEN = "（已隐藏）"
EMPTY = "（空）"
NONE = "（无）"


def mask_text(text: str) -> str:
    """Return ``text`` with every ID-number-like run masked (rows written before masking moved into
    ``audit_record`` may still hold full numbers)."""
    return mask_id_numbers_in(text)


_KEY_ORDER = {key: index for index, key in enumerate(DETAIL_LABELS)}


def _label(key) -> str:
    return DETAIL_LABELS.get(str(key), str(key))


def _ordered(mapping: dict) -> list[tuple]:
    """Return the items of ``mapping`` in the display order of ``DETAIL_LABELS``, unknown keys last by name."""
    return sorted(mapping.items(), key=lambda item: (_KEY_ORDER.get(str(item[0]), len(_KEY_ORDER)), str(item[0])))


def _is_secret(key) -> bool:
    key = str(key).lower()
    return "password" in key or "secret" in key or "token" in key


@functools.cache
def _field_choices(key: str) -> dict:
    """Return the choices of the model field ``DETAIL_CHOICES`` names for ``key`` ({} when there is none)."""
    model_field = DETAIL_CHOICES.get(key)
    if model_field is None:
        return {}
    label, _, field = model_field.rpartition(".")
    try:
        choices = apps.get_model(label)._meta.get_field(field).flatchoices
    except (LookupError, ValueError, FieldDoesNotExist):
        return {}
    return {str(code): str(name) for code, name in choices}


def _coded(key: str, value: str) -> str | None:
    """Return the name of a coded value of ``key``, or None when ``value`` is not one of its codes."""
    if key == "sort" and value.startswith("-") and value[1:] in DETAIL_VALUES["sort"]:
        return f"{DETAIL_VALUES['sort'][value[1:]]}（倒序）"
    if value in DETAIL_VALUES.get(key, {}):
        return DETAIL_VALUES[key][value]
    return _field_choices(key).get(value)


def page_text(path: str) -> str:
    """Return the area of the system ``path`` belongs to, then the path itself: ``干部名册 /cadres/2/``."""
    try:
        namespace = resolve(path).namespaces[0] if resolve(path).namespaces else ""
    except Resolver404:
        return path
    section = SECTION_NAMES.get(namespace)
    return f"{section} {path}" if section else path


def _is_change(value) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"from", "to"}


def _change_text(change: dict) -> str:
    """Return ``{"from": a, "to": b}`` as ``a → b``; two objects as the keys that differ, each ``键：a → b``."""
    before, after = change.get("from"), change.get("to")
    if isinstance(before, dict) and isinstance(after, dict) and not (_is_named(before) or _is_named(after)):
        keys = [key for key, _ in _ordered({**before, **after})]
        differ = [key for key in keys if before.get(key) != after.get(key)] or keys
        return "；".join(f"{_label(key)}：{_value_text(key, before.get(key))} → {_value_text(key, after.get(key))}"
                        for key in differ)
    return f"{_value_text('from', before)} → {_value_text('to', after)}"


def _is_named(value) -> bool:
    """Return whether ``value`` is a reference to a named object, ``{"id": 3, "name": "办公室"}``."""
    return isinstance(value, dict) and isinstance(value.get("name"), str) and set(value) <= {"id", "name"}


def _value_text(key, value) -> str:
    """Return one detail value as text: lists joined with 、, nested objects as 键：值；…"""
    key = str(key)
    if _is_secret(key):
        return HIDDEN
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_value_text(key, item) for item in value) if value else NONE
    if _is_change(value):
        return _change_text(value)
    if _is_named(value):
        return mask_text(str(value["name"]))
    if isinstance(value, dict):
        return "；".join(_entry_text(key, k, v) for k, v in _ordered(value)) if value else NONE
    if key == "event" and value in AuditEvent.Event.values:
        return AuditEvent.Event(value).label
    if key == "outcome" and value in AuditEvent.Outcome.values:
        return AuditEvent.Outcome(value).label
    if key == "path" and isinstance(value, str):
        return page_text(value)
    if isinstance(value, str):
        name = _coded(key, value)
        if name is not None:
            return name
    return mask_text(str(value))


def _entry_text(parent: str, key, value) -> str:
    """Return one entry of a nested object; an entry keyed by an id (``{"7": "confirmed"}``) reads its value
    as a code of the object's own key (``results``)."""
    if str(key).isdigit():
        return f"#{key}：{_value_text(parent, value)}"
    return f"{_label(key)}：{_value_text(key, value)}"


def detail_items(event: AuditEvent) -> list[tuple[str, str]]:
    """Return the event's detail as (label, text) pairs; a from/to pair reads ``原值 → 新值``."""
    if event.detail in (None, {}, [], ""):
        return []
    detail = event.detail if isinstance(event.detail, dict) else {"": event.detail}
    items = []
    if "from" in detail or "to" in detail:
        change = _change_text({"from": detail.get("from"), "to": detail.get("to")})
        items.append((CHANGE_LABELS.get(event.event, "变更"), change))
    for key, value in _ordered(detail):
        if key in ("from", "to"):
            continue
        items.append((_label(key), _value_text(key, value)))
    return items


def detail_text(event: AuditEvent) -> str:
    """Return the event's detail on one line (the workbook's 详情 column)."""
    return "；".join(f"{label}：{text}" if label else text for label, text in detail_items(event))


def source_text(source: str) -> str:
    """Return the channel as people read it: 网页, 命令 import_roster, 任务 nightly_check …"""
    if source in SOURCE_NAMES:
        return SOURCE_NAMES[source]
    prefix, _, name = source.partition(":")
    if name and prefix in SOURCE_PREFIXES:
        return f"{SOURCE_PREFIXES[prefix]} {name}"
    return source


@functools.cache
def object_type_text(object_type: str) -> str:
    """Return the model's verbose name for a ``app_label.model`` object type (no query), else the text itself."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def local_time(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class AuditRow:
    """One audit row ready for the page: the event and its formatted values."""

    event: AuditEvent

    @property
    def object_text(self) -> str:
        return mask_text(self.event.object_repr)

    @property
    def object_type_text(self) -> str:
        return object_type_text(self.event.object_type)

    @property
    def source_text(self) -> str:
        return source_text(self.event.source)

    @property
    def detail_items(self) -> list[tuple[str, str]]:
        return detail_items(self.event)


class AuditLogExport:
    """The filtered audit log as a workbook, one line per row, newest first."""

    title = "审计日志"

    def __init__(self, events, *, filters, actor):
        self.events = events
        self.filters = filters
        self.actor = actor
        self.row_count = 0

    @staticmethod
    def columns() -> list[Column]:
        return [
            Column("时间", lambda e: local_time(e.at), 20),
            Column("用户名", lambda e: e.username, 14),
            Column("地址", lambda e: e.ip or "", 16),
            Column("渠道", lambda e: source_text(e.source), 18),
            Column("事件", lambda e: e.get_event_display(), 14),
            Column("结果", lambda e: e.get_outcome_display(), 8),
            Column("对象类型", lambda e: object_type_text(e.object_type), 18),
            Column("对象编号", lambda e: e.object_id, 10),
            Column("对象", lambda e: mask_text(e.object_repr), 28),
            Column("详情", detail_text, 50),
        ]

    def heading(self) -> str:
        conditions = "；".join(
            f"{_label(key)}：{_value_text(key, value)}" for key, value in _ordered(self.filters.as_detail())
        )
        return (f"审计日志（导出人：{self.actor.get_username()}，导出时间：{local_time(timezone.now())}，"
                f"条件：{conditions or '全部'}）")

    def _rows(self):
        for event in self.events.iterator(chunk_size=2000):
            self.row_count += 1
            yield event

    def render(self) -> bytes:
        return write_xlsx(title=self.title, columns=self.columns(), rows=self._rows(), heading=self.heading())


def export_filename(day: dt.date) -> str:
    return f"审计日志_{day:%Y%m%d}.xlsx"


@transaction.atomic
def audit_log_export(*, actor, filters) -> bytes:
    """Return the rows of ``filters`` (the audit log's FilterSet for ``actor``) as a workbook, and audit the export.

    The export's own audit row (one, with the filters and the number of rows) is written
    after the rows are read, so it is not part of the workbook it describes. A full ID number
    typed into a filter is recorded masked: audit rows never hold one.
    """
    if not actor.has_perm("audit.export_auditevent"):
        raise PermissionDenied
    export = AuditLogExport(filters.qs, filters=filters, actor=actor)
    content = export.render()
    audit_record(
        Event.EXPORT, actor=actor, object_type=EXPORT_OBJECT_TYPE, object_repr="审计日志",
        detail={
            "filters": {name: mask_text(value) for name, value in filters.as_detail().items()},
            "rows": export.row_count,
        },
    )
    return content
