"""The audit log reads in Chinese: every key and coded value the app writes into ``detail`` (issue 11, item 6).

Three checks. Each writer's shape reads as an audit administrator says it (the formats below); a scan
of the code finds every key written at an audit call and asks for its label; and a working day of the
system (logins, accounts, the roster, a selection case through its sixteen steps, refused and
out-of-scope requests) is run and every row it wrote is read back, on the page and in the export,
with no code left showing: no run of three or more Latin letters but a username, a file name or the
path of a page.
"""

import ast
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from cadre_office.audit.models import AuditEvent
from cadre_office.audit.reports import DETAIL_LABELS, detail_text
from tests.factories import CadreFactory, DepartmentFactory, grant_role, log_in, role_user

Event = AuditEvent.Event


def _text(event=Event.UPDATE, **detail) -> str:
    return detail_text(AuditEvent(event=event, detail=detail))


# --- the shapes the writers use ------------------------------------------------------------------


def test_a_refused_request_reads_how_it_was_made():
    assert _text(Event.ACCESS_DENIED, method="POST") == "操作方式：提交"
    assert _text(Event.ACCESS_DENIED, method="GET") == "操作方式：浏览"


def test_an_out_of_scope_request_reads_its_reason_and_the_area_of_the_page():
    text = _text(Event.ACCESS_DENIED, reason="out_of_scope", path="/cadres/2/edit/")
    assert text == "页面：干部名册 /cadres/2/edit/；原因：超出管辖范围"
    assert _text(Event.SERVER_ERROR, method="GET", path="/no/such/page/") == "操作方式：浏览；页面：/no/such/page/"


def test_a_workflow_action_reads_its_name_from_the_selection_app():
    assert _text(Event.WORKFLOW, step=3, action="submit") == "操作：提交；环节：3"
    assert _text(Event.WORKFLOW, step=16, action="approve", appointed=1) == "操作：同意；环节：16；任职人数：1"
    assert _text(Event.WORKFLOW, step=1, action="record", created=True) == "操作：记录；环节：1；新增：是"


def test_a_roster_export_reads_its_filters_and_whether_it_held_full_numbers():
    text = _text(Event.EXPORT, rows=3, full_id_number=False, filters={
        "status": "all", "sort": "-name", "level": "none", "political_status": "non_party", "gender": "2",
        "education": "bachelor", "ethnicity": "minority", "q": "张"})
    assert text == ("筛选条件：人员状态：全部状态；关键词：张；职务层次：无领导职务；性别：女；民族：少数民族；"
                    "政治面貌：党外干部；全日制学历：大学本科；排序：姓名（倒序）；行数：3；含完整身份证号：否")
    retired = _text(Event.EXPORT, filters={"status": "retired", "level": "51"})
    assert retired == "筛选条件：人员状态：退休；职务层次：乡科级正职"


def test_a_change_of_several_values_reads_each_value_that_changed():
    text = _text(**{"from": {"goal": "0.3500", "age_max": 40}, "to": {"goal": "0.4", "age_max": 40}})
    assert text == "变更：目标值：0.3500 → 0.4"
    step = _text(template="十六步工作法（第2版）", number=2,
                 changes={"name": {"from": "提出动议", "to": "提出初步动议"}})
    assert step == "步骤：2；变更内容：名称：提出动议 → 提出初步动议；流程模板：十六步工作法（第2版）"


def test_a_move_of_a_unit_reads_the_names_of_the_old_and_new_parent():
    text = _text(Event.DEPARTMENT_MOVE,
                 parent={"from": {"id": 1, "name": "区某某局"}, "to": {"id": 5, "name": "办公室"}})
    assert text == "上级单位：区某某局 → 办公室"


def test_the_login_steps_read_in_chinese():
    assert _text(Event.PASSWORD_VERIFIED, pending="setup") == "待完成：绑定动态口令"
    assert _text(Event.LOGIN, second_factor="verify") == "动态口令：已验证"
    assert _text(Event.OTP_FAILED, step="verify") == "环节：输入动态口令"


# --- every key the code writes has a label ---------------------------------------------------------

_SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "bench", "static", "templates", "var"}


def _project_modules():
    root = Path(settings.BASE_DIR)
    for path in sorted(root.rglob("*.py")):
        if not _SKIPPED_DIRS & set(path.relative_to(root).parts):
            yield path.relative_to(root), ast.parse(path.read_text(encoding="utf-8"))


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _literal_keys(node) -> set[str]:
    if not isinstance(node, ast.Dict):
        return set()
    return {key.value for key in node.keys if isinstance(key, ast.Constant) and isinstance(key.value, str)}


def detail_keys_written() -> dict[str, str]:
    """Return every key the code writes into an audit row's ``detail``, with where it is written.

    Found: the literal keys of ``detail=`` at each ``audit_record`` call; the keys given to the variable
    passed there (``detail = {…}``, ``detail["k"] = …``, ``detail.update(k=…)``); and the extra keyword
    arguments of helpers that pass their ``**kwargs`` on as detail (``_record(…, created=True)``).
    """
    keys: dict[str, str] = {}
    forwarders: dict[str, set[str]] = {}
    modules = list(_project_modules())
    for path, tree in modules:
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = set()
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and _called(call) == "audit_record"):
                    continue
                for keyword in call.keywords:
                    if keyword.arg != "detail":
                        continue
                    for key in _literal_keys(keyword.value):
                        keys.setdefault(key, f"{path}:{keyword.value.lineno}")
                    if isinstance(keyword.value, ast.Name):
                        names.add(keyword.value.id)
                    if isinstance(keyword.value, ast.Dict):
                        names |= {value.id for key, value in zip(keyword.value.keys, keyword.value.values, strict=True)
                                  if key is None and isinstance(value, ast.Name)}
            if function.args.kwarg is not None and function.args.kwarg.arg in names:
                forwarders[function.name] = {arg.arg for arg in function.args.args + function.args.kwonlyargs}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name) and target.id in names:
                            for key in _literal_keys(node.value):
                                keys.setdefault(key, f"{path}:{node.lineno}")
                        if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                                and target.value.id in names and isinstance(target.slice, ast.Constant)):
                            keys.setdefault(target.slice.value, f"{path}:{node.lineno}")
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id in names):
                    for keyword in node.keywords:
                        if keyword.arg:
                            keys.setdefault(keyword.arg, f"{path}:{node.lineno}")
                    for argument in node.args:
                        for key in _literal_keys(argument):
                            keys.setdefault(key, f"{path}:{node.lineno}")
    for path, tree in modules:
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and _called(call) in forwarders:
                for keyword in call.keywords:
                    if keyword.arg and keyword.arg not in forwarders[_called(call)]:
                        keys.setdefault(keyword.arg, f"{path}:{call.lineno}")
    return keys


def test_every_detail_key_written_by_the_code_has_a_chinese_label():
    keys = detail_keys_written()
    # The scan finds the writers it must (a scan that finds nothing passes nothing).
    assert {"reason", "path", "method", "action", "step", "record", "filters", "full_id_number", "pending",
            "second_factor", "request", "expires"} <= set(keys)
    missing = {key: where for key, where in keys.items() if key not in DETAIL_LABELS}
    assert missing == {}, f"keys without a label in cadre_office/audit/reports.py DETAIL_LABELS: {missing}"


# --- a working day, read back ----------------------------------------------------------------------

PASSWORD = "Test-pass-2026"
CODE = re.compile(r"[A-Za-z_]{3,}")
# A page's path (``页面：干部名册 /cadres/2/``) and a workbook's file name are shown as they are.
SHOWN_AS_IS = re.compile(r"/[\w/.\-]*|[\w\-.]+\.xlsx")


def _token(device) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _codes_left(text: str, usernames: set[str]) -> set[str]:
    return {word for word in CODE.findall(SHOWN_AS_IS.sub(" ", text)) if word not in usernames
            and not any(word in name for name in usernames)}


def _working_day(client, tmp_path):
    """Drive the writers of audit rows the way a day at the bureau does."""
    from cadres.services import cadre_set_status, cadre_update
    from selection import services as selection
    from tests.cadres.workbooks import build_roster, valid_rows
    from tests.selection.conftest import Workflow, ensure_default_template

    ensure_default_template()
    wf = Workflow()  # its people and its unit (办公室), before the roster import adds units of its own
    office = DepartmentFactory(name="综合科")
    finance = DepartmentFactory(name="财务科")
    own = CadreFactory(department=office, name="本科室甲")
    other = CadreFactory(department=finance, name="他科室丁")
    security = role_user("安全管理员", username="anquan_l")
    leader = role_user("局领导", username="lingdao_l", password=PASSWORD)
    staff = role_user("人事干部", username="renshi_l")
    head = role_user("科室负责人", username="keshi_l", departments=[office])

    # Logins: a wrong password, a password with a wrong and then a right token, a lockout.
    device = TOTPDevice.objects.create(user=leader, name="手机", confirmed=True)
    client.post(reverse("login"), {"username": "lingdao_l", "password": "Wrong-2026-pass"})
    client.post(reverse("login"), {"username": "lingdao_l", "password": PASSWORD})
    client.post(reverse("otp_verify"), {"otp_token": "000000" if _token(device) != "000000" else "111111"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    client.post(reverse("otp_verify"), {"otp_token": _token(device)})
    client.post(reverse("logout"))
    for attempt in range(6):
        client.post(reverse("login"), {"username": "keshi_l", "password": f"Wrong-{attempt}-pass"})

    # Accounts: a grant confirmed by a second person, a scope, a disable and enable, a reset.
    from cadre_office.accounts.services import (
        account_create,
        account_disable,
        account_enable,
        account_reset_password,
        account_set_scope,
        change_request_confirm,
        change_request_second_factor_reset,
    )

    newcomer = account_create(actor=security, username="xinren_l", full_name="新人", password="First-pass-2026x")
    grant_role(newcomer, "科室负责人", requested_by=security, confirmed_by=leader, departments=[office])
    account_set_scope(actor=security, user=newcomer, departments=[office, finance])
    account_disable(actor=security, user=newcomer, reason="调离")
    account_enable(actor=security, user=newcomer)
    account_reset_password(actor=security, user=newcomer, password="Reset-pass-2026y")
    reset = change_request_second_factor_reset(actor=security, user=leader, reason="手机遗失")
    change_request_confirm(actor=role_user("局领导", username="lingdao_l2"), request=reset)

    # The roster: edits, a status, a post, an export with filters, an import by command, a reveal.
    cadre_update(actor=staff, cadre=own, data={"health": "良好"})
    cadre_set_status(actor=staff, cadre=other, status="transferred", status_date=dt.date(2026, 1, 5), reason="调出本局")
    log_in(client, staff)
    client.get(reverse("cadres:cadre_detail", args=[own.pk]))
    client.post(reverse("cadres:cadre_reveal_id", args=[own.pk]))
    client.get(reverse("cadres:cadre_export"), {"status": "all", "sort": "-name", "political_status": "non_party",
                                                "level": "none", "gender": "1", "q": "本科室"})
    client.get(reverse("audit:event_list"))  # refused: 403 (越权访问 with the method)
    client.post(reverse("accounts:user_list"))

    from django.core.management import call_command

    workbook = tmp_path / "roster.xlsx"
    workbook.write_bytes(build_roster(valid_rows(2)))
    call_command("import_roster", str(workbook), stdout=io.StringIO())

    # Out of scope: a department head asks for another department's cadre.
    log_in(client, head)
    client.get(reverse("cadres:cadre_detail", args=[other.pk]))
    client.get(reverse("cadres:cadre_update", args=[other.pk]))

    # A selection case through its sixteen steps, with a return, a pause and a second case terminated.
    case = wf.new_case()
    wf.advance(case, through=1)
    wf.submit(case, 2)
    selection.step_return(actor=wf.leader, case=case, number=2, opinion="补充材料")
    selection.case_pause(actor=wf.staff, case=case, reason="等待党组会议")
    selection.case_resume(actor=wf.staff, case=case, reason="党组会议已定")
    wf.advance(case, through=16)
    log_in(client, wf.staff)
    client.get(reverse("selection:case_record_pdf", args=[case.pk]))
    second = wf.new_case(cadres=[CadreFactory(name="王五"), CadreFactory(name="赵六")])
    selection.candidate_add(actor=wf.staff, case=second, cadre=CadreFactory(name="钱七"))
    selection.candidate_drop(actor=wf.staff, case=second, candidate=second.candidates.order_by("id").first(),
                             reason="本人放弃")
    selection.case_terminate(actor=wf.staff, case=second, reason="职位调整")


@pytest.mark.django_db
def test_every_row_of_a_working_day_reads_in_chinese_on_the_page_and_in_the_export(client, tmp_path):
    from django.contrib.auth import get_user_model

    _working_day(client, tmp_path)
    rows = list(AuditEvent.objects.order_by("id"))
    events = {row.event for row in rows}
    assert {Event.PASSWORD_VERIFIED, Event.OTP_FAILED, Event.LOGIN, Event.LOGIN_FAILED, Event.LOCKOUT,
            Event.ROLE_CHANGE, Event.SCOPE_CHANGE, Event.CHANGE_CONFIRM, Event.ACCOUNT_DISABLE, Event.UPDATE,
            Event.EXPORT, Event.IMPORT, Event.REVEAL, Event.ACCESS_DENIED, Event.WORKFLOW, Event.DOWNLOAD} <= events
    usernames = set(get_user_model().objects.values_list("username", flat=True)) | {"import_roster"}

    leaks = {(row.event, text) for row in rows if _codes_left(text := detail_text(row), usernames)}
    assert leaks == set()

    # The page's table (详情, 事件, 渠道 …) and the workbook's columns say the same, in Chinese.
    auditor = role_user("审计管理员", username="shenji_l")
    log_in(client, auditor)
    usernames.add(auditor.username)
    page = client.get(reverse("audit:event_list"), {"per_page": 200})
    assert page.status_code == 200 and page.context["paginator"].count == AuditEvent.objects.count() > 60
    body = page.content.decode()
    table = body[body.index("<tbody>"):body.index("</tbody>")]
    for line in re.sub(r"<[^>]+>", "\n", table).splitlines():
        assert not _codes_left(line, usernames), line
    export = client.get(reverse("audit:event_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    table = list(sheet.iter_rows(min_row=2, values_only=True))
    header, data = table[0], table[1:]
    for column in ("详情", "渠道", "对象类型", "事件", "结果"):
        index = header.index(column)
        for line in data:
            assert not _codes_left(str(line[index] or ""), usernames), (column, line)
