"""The audit log as a page and as a workbook: its columns, how each value reads, and the audited export.

The page and the export use the same formatters, so what the audit administrator sees on
screen is what the workbook says. Values are shown as stored, except that anything that
looks like a full ID number is masked (SECURITY.md item 13: the audit administrator has no
right to full ID numbers) and a detail key naming a password is never shown.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cadre_office.audit.models import AuditEvent
from cadre_office.audit.selectors import AuditFilters, audit_events
from cadre_office.audit.services import Event, audit_record
from cadre_office.xlsx import Column, write_xlsx
from cadres.idnumbers import mask_id_numbers_in

EXPORT_OBJECT_TYPE = "audit.auditevent"

# How the keys found in ``detail`` read, in the order they are shown (PostgreSQL's jsonb does not
# keep the order a dict was written in). Unknown keys follow, shown as they are.
DETAIL_LABELS = {
    "from": "原值",
    "to": "新值",
    "field": "字段",
    "fields": "字段",
    "file": "文件",
    "filename": "文件名",
    "created": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "errors": "错误",
    "step": "环节",
    "state": "状态",
    "opinion": "意见",
    "report": "报表",
    "format": "格式",
    "attempts": "尝试次数",
    "failures": "失败次数",
    "status": "状态",
    "reason": "原因",
    "filters": "筛选条件",
    "rows": "行数",
    "count": "数量",
    "date_from": "日期从",
    "date_to": "日期至",
    "username": "用户名",
    "event": "事件",
    "outcome": "结果",
    "ip": "地址",
    "q": "关键词",
    # Two-person changes, activation codes and moves of units (accounts and department services).
    "kind": "事项",
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
    "user": "账号",
    "name": "名称",
    "role": "角色",
    "via": "管辖单位",
    "cadres": "干部人数",
    "active": "其中在职",
    "user_id": "账号编号",
    "id": "编号",
}

# Coded values written by the app's own audit calls, as people read them.
DETAIL_VALUES = {
    "reason": {"locked_out": "账号锁定中", "wrong": "激活码错误", "throttled": "尝试过于频繁",
               "no_live_code": "无有效激活码"},
}

# What a from → to change is a change of, by event.
CHANGE_LABELS = {
    Event.ROLE_CHANGE: "角色",
    Event.SCOPE_CHANGE: "管辖范围",
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


def _label(key: str) -> str:
    return DETAIL_LABELS.get(key, key)


def _ordered(mapping: dict) -> list[tuple]:
    """Return the items of ``mapping`` in the display order of ``DETAIL_LABELS``, unknown keys last by name."""
    return sorted(mapping.items(), key=lambda item: (_KEY_ORDER.get(item[0], len(_KEY_ORDER)), str(item[0])))


def _is_secret(key: str) -> bool:
    return "password" in key.lower() or "secret" in key.lower() or "token" in key.lower()


def _value_text(key: str, value) -> str:
    """Return one detail value as text: lists joined with 、, nested objects as 键：值；…"""
    if _is_secret(key):
        return HIDDEN
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_value_text("", item) for item in value) if value else NONE
    if isinstance(value, dict):
        return "；".join(f"{_label(k)}：{_value_text(k, v)}" for k, v in _ordered(value)) if value else NONE
    if isinstance(value, str) and value in DETAIL_VALUES.get(key, {}):
        return DETAIL_VALUES[key][value]
    if key == "event" and value in AuditEvent.Event.values:
        return AuditEvent.Event(value).label
    if key == "outcome" and value in AuditEvent.Outcome.values:
        return AuditEvent.Outcome(value).label
    return mask_text(str(value))


def detail_items(event: AuditEvent) -> list[tuple[str, str]]:
    """Return the event's detail as (label, text) pairs; a from/to pair reads ``原值 → 新值``."""
    if event.detail in (None, {}, [], ""):
        return []
    detail = event.detail if isinstance(event.detail, dict) else {"": event.detail}
    items = []
    if "from" in detail or "to" in detail:
        change = f"{_value_text('from', detail.get('from'))} → {_value_text('to', detail.get('to'))}"
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

    def __init__(self, events, *, filters: AuditFilters, actor):
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
            Column("渠道", lambda e: e.source, 18),
            Column("事件", lambda e: e.get_event_display(), 14),
            Column("结果", lambda e: e.get_outcome_display(), 8),
            Column("对象类型", lambda e: e.object_type, 18),
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
def audit_log_export(*, actor, filters: AuditFilters) -> bytes:
    """Return the audit rows ``actor`` may read that match ``filters`` as a workbook, and audit the export.

    The export's own audit row (one, with the filters and the number of rows) is written
    after the rows are read, so it is not part of the workbook it describes. A full ID number
    typed into a filter is recorded masked: audit rows never hold one.
    """
    if not actor.has_perm("audit.export_auditevent"):
        raise PermissionDenied
    export = AuditLogExport(audit_events(actor, filters), filters=filters, actor=actor)
    content = export.render()
    audit_record(
        Event.EXPORT, actor=actor, object_type=EXPORT_OBJECT_TYPE, object_repr="审计日志",
        detail={
            "filters": {name: mask_text(value) for name, value in filters.as_detail().items()},
            "rows": export.row_count,
        },
    )
    return content
