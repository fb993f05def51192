"""The audit log's Excel export: exactly the filtered rows, no formulas, one audit row of its own, no file left."""

import io
import tempfile
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.audit.models import AuditEvent
from tests.audit.conftest import at, make_event

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event
Outcome = AuditEvent.Outcome
EXPORT_URL = reverse("audit:event_export")
HEADERS = ("时间", "用户名", "地址", "渠道", "事件", "结果", "对象类型", "对象编号", "对象", "详情")
INJECTION = "=cmd|' /C calc'!A0"


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _table(sheet) -> tuple[tuple, list[dict]]:
    """Return the header row and the data rows (as dicts) below the heading line."""
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("审计日志（导出人：shenji_t")
    header = rows[1]
    return header, [dict(zip(header, row, strict=True)) for row in rows[2:]]


def test_export_contains_exactly_the_filtered_rows_newest_first(auditor_client):
    first = make_event(when=at(2026, 11, 2, 8, 0, 1), username="wangwu", event=Event.LOGIN_FAILED,
                       outcome=Outcome.FAILURE, ip="10.3.3.3")
    second = make_event(when=at(2026, 11, 3, 18, 20, 59), username="wangwu", event=Event.LOGIN_FAILED,
                        outcome=Outcome.FAILURE, ip="10.3.3.4", source="command:import_roster")
    make_event(when=at(2026, 11, 3, 9, 0), username="wangwu", event=Event.LOGOUT)  # other event
    make_event(when=at(2026, 11, 8, 9, 0), username="wangwu", event=Event.LOGIN_FAILED)  # after the range
    make_event(when=at(2026, 11, 3, 9, 0), username="zhaoliu", event=Event.LOGIN_FAILED)  # other user

    response = auditor_client.get(EXPORT_URL, {"date_from": "2026-11-01", "date_to": "2026-11-05",
                                               "username": "wangwu", "event": Event.LOGIN_FAILED})
    assert response.status_code == 200
    header, rows = _table(_sheet(response))
    assert header == HEADERS
    assert [row["时间"] for row in rows] == ["2026-11-03 18:20:59", "2026-11-02 08:00:01"]
    assert [row["地址"] for row in rows] == [second.ip, first.ip]
    assert rows[0] == {
        "时间": "2026-11-03 18:20:59", "用户名": "wangwu", "地址": "10.3.3.4", "渠道": "命令 import_roster",
        "事件": "登录失败", "结果": "失败", "对象类型": None, "对象编号": None, "对象": None, "详情": None,
    }


def test_export_without_filters_has_every_row_but_its_own(auditor_client):
    made = [make_event(event=Event.LOGOUT, username=f"u{n}") for n in range(7)]
    response = auditor_client.get(EXPORT_URL)
    _, rows = _table(_sheet(response))
    # Every row that existed when the export ran (including any the log-in itself wrote), newest first.
    existing = AuditEvent.objects.exclude(event=Event.EXPORT).count()
    assert len(rows) == existing
    assert [row["用户名"] for row in rows[:7]] == [event.username for event in reversed(made)]
    assert all(row["事件"] != "导出" for row in rows)


def test_formula_like_text_is_written_as_a_string_cell(auditor_client):
    make_event(event=Event.UPDATE, username="@evil", object_repr=INJECTION, object_id="-1+1",
               detail={"reason": "+SUM(A1:A9)"})
    sheet = _sheet(auditor_client.get(EXPORT_URL, {"event": Event.UPDATE}))
    header = [cell.value for cell in sheet[2]]
    cells = {name: sheet.cell(row=3, column=header.index(name) + 1) for name in ("用户名", "对象", "对象编号", "详情")}
    assert cells["对象"].value == INJECTION
    for name, cell in cells.items():
        assert cell.data_type == "s", name
    assert cells["用户名"].value == "@evil"
    assert cells["详情"].value == "原因：+SUM(A1:A9)"


def test_export_writes_exactly_one_audit_row_with_filters_and_row_count(auditor_client, auditor):
    for _ in range(3):
        make_event(event=Event.LOGIN_FAILED, outcome=Outcome.FAILURE)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    response = auditor_client.get(EXPORT_URL, {"event": Event.LOGIN_FAILED, "outcome": Outcome.FAILURE,
                                               "date_to": "2099-12-31", "username": ""})
    assert response.status_code == 200
    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.count() == 1
    row = new.get()
    assert row.event == Event.EXPORT
    assert row.outcome == Outcome.SUCCESS
    assert row.object_type == "audit.auditevent"
    assert row.user_id == auditor.pk and row.username == "shenji_t"
    assert row.ip == "127.0.0.1" and row.source == "web"
    assert row.detail == {
        "filters": {"event": "login_failed", "outcome": "failure", "date_to": "2099-12-31"}, "rows": 3,
    }
    _, rows = _table(_sheet(response))
    assert len(rows) == 3


def test_the_export_row_shows_its_filters_readably_on_the_page(auditor_client):
    auditor_client.get(EXPORT_URL, {"event": Event.LOGIN_FAILED, "date_from": "2026-11-01"})
    html = auditor_client.get(reverse("audit:event_list"), {"event": Event.EXPORT}).text
    assert "筛选条件：</span>日期从：2026-11-01；事件：登录失败" in html
    assert "行数：</span>0" in html


def test_filename_and_headers(auditor_client):
    response = auditor_client.get(EXPORT_URL)
    today = timezone.localdate()
    name = f"审计日志_{today:%Y%m%d}.xlsx"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert f'filename="audit-log_{today:%Y%m%d}.xlsx"' in disposition
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "no-store" in response["Cache-Control"]


def test_export_leaves_no_temporary_file(auditor_client, tmp_path, monkeypatch):
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    for _ in range(20):
        make_event(event=Event.LOGOUT)
    response = auditor_client.get(EXPORT_URL)
    b"".join(response.streaming_content)
    response.close()
    assert list(spool.iterdir()) == []


def test_export_query_count_is_fixed(auditor_client, django_assert_max_num_queries):
    for n in range(40):
        make_event(event=Event.LOGOUT, username=f"u{n}")
    # session, user, second-factor device, 2 permission look-ups, the rows (one query per
    # 2,000-row chunk; on PostgreSQL a server-side cursor), savepoint + insert + release of the
    # export's own audit row, 3 for the session refresh. Nothing per row.
    with django_assert_max_num_queries(12):
        response = auditor_client.get(EXPORT_URL)
        b"".join(response.streaming_content)
