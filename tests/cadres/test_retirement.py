"""到龄退休 (issue 12, parts 3 and 4): the command, the page and its export, 办理退休, status with dates.

The command test rebuilds, in memory, the cadres of the public sample that matter for retirement
(their ID numbers and statuses as in ``roster_sample.xlsx``) with some who must not be listed, and
expects exactly ``roster_sample_retirement.json`` (copied below: the tests never read ../shared).
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadre_office.audit.models import AuditEvent
from cadres import messages
from cadres.codes import Gender, PersonnelStatus
from cadres.idnumbers import make_id_number, parse_id_number
from cadres.models import Cadre, PostAssignment, RankAssignment
from cadres.roster_workbook import read_roster
from cadres.services import apply_roster_import, cadre_retire, cadre_set_status, plan_roster_import
from tests.cadres.workbooks import HEADERS, build_roster, valid_row
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, log_in, role_user

pytestmark = pytest.mark.django_db

D = dt.date
URL = "/cadres/retirement/"

# roster_sample_retirement.json, as published.
SAMPLE_EXPECTED = {"2026-12-31": [
    "110105196608218957 2027-01", "110105196809287342 2023-09", "110105196811179746 2023-11",
    "370102196704265947 2022-04", "370102196904215602 2024-04", "420111196608249235 2027-01",
    "420111196609245922 2021-09", "420111196611239708 2021-11", "440305196608270162 2021-08",
    "610113196602286893 2026-06",
]}
# Cadres of the sample in service and not due by 2027-12, and two who left (their birth years would be due).
SAMPLE_NOT_DUE = ["110105196809157679", "370102196911202877", "420111197010229736", "330106196807020019",
                  "370102196906185830", "510107196810225250"]
LEFT = {make_id_number("110105", D(1964, 3, 2), 7, Gender.MALE): "退休",
        make_id_number("110105", D(1967, 5, 9), 8, Gender.FEMALE): "调出"}


def _row(n: int, id_number: str, **overrides) -> dict:
    parsed = parse_id_number(id_number)
    return valid_row(n, 身份证号=id_number, 出生日期=parsed.birth_date, 性别=Gender(parsed.gender).label, **overrides)


def _import(rows, headers=None, actor=None):
    from tests.factories import UserFactory

    parsed = read_roster(io.BytesIO(build_roster(rows, headers)))
    assert [str(e) for e in parsed.errors] == []
    plan = plan_roster_import(parsed)
    assert [str(e) for e in plan.errors] == []
    return plan, apply_roster_import(plan, actor=actor or UserFactory())


def _due_json(as_of="2026-12-31", months=12) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("retirement_due", "--as-of", as_of, "--months", str(months), "--json", stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


# --- the command ------------------------------------------------------------------------------------


def test_the_command_lists_exactly_the_sample_cadres_with_their_months():
    due = [line.split()[0] for line in SAMPLE_EXPECTED["2026-12-31"]]
    rows = [_row(n, number) for n, number in enumerate(due + SAMPLE_NOT_DUE)]
    rows += [_row(50 + n, number, 人员状态=status) for n, (number, status) in enumerate(LEFT.items())]
    _import(rows)
    for day, expected in SAMPLE_EXPECTED.items():
        report, err = _due_json(day)
        assert set(report) == {"as_of", "months", "cadres"}
        assert (report["as_of"], report["months"]) == (day, 12)
        assert [f"{c['id_number']} {c['retire_month']}" for c in report["cadres"]] == expected
        assert all(set(c) == {"id_number", "name", "retire_month", "overdue"} for c in report["cadres"])
        assert {c["id_number"]: c["overdue"] for c in report["cadres"]}["110105196608218957"] is False
        assert {c["id_number"]: c["overdue"] for c in report["cadres"]}["610113196602286893"] is True
        assert "已超期 8 人" in err  # the summary goes to standard error only


def test_the_command_counts_a_cadre_in_service_until_their_status_date():
    number = make_id_number("110105", D(1966, 1, 5), 3, Gender.MALE)  # due 2026-06
    cadre = CadreFactory(id_number=number, birth_date=D(1966, 1, 5))
    cadre_set_status(actor=None, cadre=cadre, status=PersonnelStatus.TRANSFERRED, status_date=D(2026, 7, 1))
    assert [c["id_number"] for c in _due_json("2026-06-30")[0]["cadres"]] == [number]
    assert _due_json("2026-07-01")[0]["cadres"] == []


def test_the_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retirement_due", "--as-of", "2026-13-01", "--json", stdout=io.StringIO())


# --- the page ---------------------------------------------------------------------------------------


@pytest.fixture
def units(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    today = dt.date.today()
    people = {
        # born so that, seen from today, the months are fixed whatever the day the tests run
        "overdue_m": CadreFactory(name="超期男", department=office, gender=Gender.MALE,
                                  birth_date=_born_for(today, Gender.MALE, -6)),
        "overdue_f": CadreFactory(name="超期女", department=office, gender=Gender.FEMALE,
                                  birth_date=_born_for(today, Gender.FEMALE, -3)),
        "soon": CadreFactory(name="将到龄", department=office, gender=Gender.MALE,
                             birth_date=_born_for(today, Gender.MALE, 3)),
        "later": CadreFactory(name="明年后", department=office, gender=Gender.MALE,
                              birth_date=_born_for(today, Gender.MALE, 14)),
        "young": CadreFactory(name="年轻人", department=office, birth_date=D(1990, 1, 1)),
        "other": CadreFactory(name="他科室超期", department=finance, gender=Gender.FEMALE,
                              birth_date=_born_for(today, Gender.FEMALE, -1)),
        "left": CadreFactory(name="已退休", department=office, gender=Gender.MALE, status=PersonnelStatus.RETIRED,
                             birth_date=_born_for(today, Gender.MALE, -20)),
    }
    PostFactory(cadre=people["overdue_m"], department=office, level="52", title="办公室副主任",
                start_date=D(2015, 1, 1))
    return {"office": office, "finance": finance, **people}


def _born_for(today: dt.date, gender: str, months_ahead: int) -> dt.date:
    """Return a birth date whose retirement month is ``months_ahead`` months from ``today``'s month.

    One month in five nobody retires in (the delay grows a month every four months of birth): then
    the month one further from today (negative: earlier, positive: later), never zero.
    """
    from cadres.retirement import add_months, month_from_ordinal, month_ordinal, statutory_retirement_month

    for ahead in (months_ahead, months_ahead + (1 if months_ahead > 0 else -1)):
        target = add_months(today, ahead)
        for ordinal in range(month_ordinal(target) - 63 * 12, month_ordinal(target) - 55 * 12 + 1):
            born = month_from_ordinal(ordinal)
            if statutory_retirement_month(born, gender) == target:
                return born.replace(day=10)
    raise AssertionError("no such birth")


def _text(cadre) -> str:
    from cadres.retirement import outlook

    return outlook(cadre.birth_date, cadre.gender, dt.date.today()).text


def _names(response) -> list[str]:
    return [c.name for c in response.context["cadres"]]


def test_the_page_lists_the_overdue_first_then_by_month_within_twelve_months(client, units):
    log_in(client, role_user("人事干部"))
    response = client.get(URL)
    assert response.status_code == 200
    assert _names(response) == ["超期男", "超期女", "他科室超期", "将到龄"]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 3
    assert _text(units["overdue_m"]) in html and _text(units["soon"]) in html
    assert _text(units["soon"]).startswith("距退休")
    assert 'data-testid="retire-button"' in html
    # 24 months ahead takes in the later one; 0 months keeps only those whose month has come.
    assert "明年后" in _names(client.get(URL, {"months": 24}))
    assert _names(client.get(URL, {"months": 0})) == ["超期男", "超期女", "他科室超期"]


def test_a_department_head_sees_only_their_units_with_masked_numbers_and_no_retire_button(client, units):
    log_in(client, role_user("科室负责人", departments=[units["office"]]))
    response = client.get(URL)
    assert _names(response) == ["超期男", "超期女", "将到龄"]
    html = response.content.decode()
    number = units["overdue_m"].id_number
    assert number not in html and number[:6] + "*" * 11 + number[-1] in html
    assert 'data-testid="retire-button"' not in html  # no right to change a cadre
    assert client.get(reverse("cadres:cadre_retire", args=[units["other"].pk])).status_code == 404


def test_bad_filters_are_shown_and_left_out(client, units):
    log_in(client, role_user("人事干部"))
    response = client.get(URL, {"as_of": "2026-02-30", "months": "-3"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors.keys() == {"as_of", "months"}
    assert _names(response) == ["超期男", "超期女", "他科室超期", "将到龄"]  # today and 12 months


def test_the_page_costs_the_same_queries_whatever_the_number_of_rows(client, units):
    log_in(client, role_user("科室负责人", departments=[units["office"]]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    small = count()
    for n in range(40):
        CadreFactory(department=units["office"], gender=Gender.FEMALE, birth_date=D(1966, 1 + n % 12, 1))
    assert count() == small
    # Session, user, OTP device, user and group permissions, the top bar's role, the filter form's
    # units, the count, the page (units joined), and the session's save (savepoint, update, release).
    assert small == 12, small


def test_the_export_holds_the_list_as_seen_and_is_audited(client, units):
    head = role_user("科室负责人", departments=[units["office"]])
    log_in(client, head)
    response = client.get(reverse("cadres:retirement_export"), {"months": "12"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("到龄退休名单（截至")
    header = rows[1]
    names = [row[header.index("姓名")] for row in rows[2:]]
    assert names == ["超期男", "超期女", "将到龄"]
    numbers = [row[header.index("身份证号")] for row in rows[2:]]
    assert all("*" in number for number in numbers)
    assert next(row[header.index("状态")] for row in rows[2:]) == _text(units["overdue_m"])
    event = AuditEvent.objects.filter(event="export").latest("id")
    assert (event.user, event.object_repr, event.detail["rows"], event.detail["filters"]) == (
        head, "到龄退休名单", 3, {"months": "12"})


# --- 办理退休 -----------------------------------------------------------------------------------------


def _retiree():
    cadre = CadreFactory(name="老同志", gender=Gender.MALE, birth_date=D(1966, 8, 21))
    from cadres.services import post_start, rank_start

    post_start(actor=None, cadre=cadre, department=cadre.department, title="科长", level="51",
               start_date=D(2018, 3, 1))
    rank_start(actor=None, cadre=cadre, rank="07", start_date=D(2020, 6, 1))
    cadre.refresh_from_db()
    return cadre


def test_retiring_ends_the_open_post_and_rank_the_day_before_with_history_and_audit(actor):
    cadre = _retiree()
    assert cadre.current_post_title == "科长"
    history = (Cadre.history.count(), PostAssignment.history.count(), RankAssignment.history.count())
    audits = AuditEvent.objects.count()
    cadre_retire(actor=actor, cadre=cadre, retire_date=D(2027, 2, 1), reason="")
    cadre.refresh_from_db()
    assert (cadre.status, cadre.status_date, cadre.status_reason) == (PersonnelStatus.RETIRED, D(2027, 2, 1),
                                                                      "达到法定退休年龄")
    assert list(cadre.posts.values_list("end_date", flat=True)) == [D(2027, 1, 31)]
    assert list(cadre.ranks.values_list("end_date", flat=True)) == [D(2027, 1, 31)]
    assert (cadre.current_post_title, cadre.current_rank) == ("", "")
    # One history row for the post, one for the rank; one on the cadre: the status, its post and rank cleared.
    assert (Cadre.history.count(), PostAssignment.history.count(), RankAssignment.history.count()) == (
        history[0] + 1, history[1] + 1, history[2] + 1)
    last = Cadre.history.filter(id=cadre.pk).latest("history_id")
    assert (last.history_user, last.history_change_reason) == (actor, "人员状态变更为退休：达到法定退休年龄")
    assert PostAssignment.history.latest("history_id").history_change_reason == "退休，任职终止"
    assert AuditEvent.objects.count() == audits + 3  # the post, the rank, the status


def test_retiring_twice_or_before_a_post_began_is_refused_and_changes_nothing(actor):
    from django.core.exceptions import ValidationError

    cadre = _retiree()
    with pytest.raises(ValidationError) as refused:
        cadre_retire(actor=actor, cadre=cadre, retire_date=D(2018, 3, 1))
    assert refused.value.message_dict["status_date"] == [messages.STATUS_DATE_BEFORE_POST.format(date=D(2020, 6, 1))]
    cadre.refresh_from_db()
    assert cadre.status == PersonnelStatus.ACTIVE and cadre.posts.open().count() == 1
    cadre_retire(actor=actor, cadre=cadre, retire_date=D(2027, 2, 1))
    with pytest.raises(ValidationError) as again:
        cadre_retire(actor=actor, cadre=cadre, retire_date=D(2027, 3, 1))
    assert again.value.messages == [messages.RETIRE_NOT_IN_SERVICE.format(name="老同志", status="退休")]


def test_the_retire_page_shows_what_will_be_closed_and_goes_back_to_the_list(client):
    cadre = _retiree()
    log_in(client, role_user("人事干部"))
    url = reverse("cadres:cadre_retire", args=[cadre.pk])
    page = client.get(url, {"next": URL + "?months=24"})
    html = page.content.decode()
    assert "2027-01" in html and "科长" in html and "一级主任科员" in html
    assert page.context["form"].initial["retire_date"] == D(2027, 2, 1)  # the month after the statutory one
    response = client.post(url, {"retire_date": "2027-02-01", "reason": "", "next": URL + "?months=24"})
    assert response.status_code == 302 and response["Location"] == URL + "?months=24"
    cadre.refresh_from_db()
    assert cadre.status == PersonnelStatus.RETIRED
    # An outside ``next`` is not followed.
    other = _retiree_named("另一位")
    response = client.post(reverse("cadres:cadre_retire", args=[other.pk]),
                           {"retire_date": "2027-02-01", "next": "https://example.com/"})
    assert response["Location"] == reverse("cadres:cadre_detail", args=[other.pk])


def _retiree_named(name):
    return CadreFactory(name=name, gender=Gender.MALE, birth_date=D(1966, 8, 21))


# --- status with dates everywhere ---------------------------------------------------------------------


@pytest.mark.parametrize("status", [s for s in PersonnelStatus if s != PersonnelStatus.ACTIVE])
def test_the_status_form_needs_a_date_and_the_record_shows_it_with_the_reason(client, status):
    cadre = CadreFactory(name="张三")
    PostFactory(cadre=cadre, department=cadre.department, level="52", start_date=D(2020, 1, 1))
    log_in(client, role_user("人事干部"))
    url = reverse("cadres:cadre_status", args=[cadre.pk])
    refused = client.post(url, {"status": status, "status_date": "", "reason": "x"})
    assert refused.status_code == 200 and refused.context["form"].errors["status_date"] == [
        messages.STATUS_DATE_REQUIRED]
    response = client.post(url, {"status": status, "status_date": "2026-03-01", "reason": "依据某某文件"})
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert (cadre.status, cadre.status_date, cadre.status_reason) == (status, D(2026, 3, 1), "依据某某文件")
    assert cadre.posts.get().end_date == D(2026, 2, 28)
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert f"{PersonnelStatus(status).label}（2026-03-01）：依据某某文件" in html


def test_the_record_page_shows_the_statutory_month_and_months_to_go(client):
    today = dt.date.today()
    cadre = CadreFactory(gender=Gender.FEMALE, birth_date=_born_for(today, Gender.FEMALE, 7))
    log_in(client, role_user("人事干部"))
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    from cadres.retirement import statutory_retirement_month

    assert f"{statutory_retirement_month(cadre.birth_date, cadre.gender):%Y-%m}" in html and _text(cadre) in html
    assert _text(cadre) in ("距退休 7 个月", "距退休 8 个月")


# --- the import column 状态变更时间 -------------------------------------------------------------------


def test_the_import_reads_the_status_date_to_the_day_or_month_and_the_export_writes_it(client):
    rows = [valid_row(0, 人员状态="退休", 状态变更时间="2025-03"),
            valid_row(1, 人员状态="辞职", 状态变更时间=D(2024, 5, 6)),
            valid_row(2, 人员状态="去世")]
    _import(rows, [*HEADERS, "状态变更时间"])
    values = dict(Cadre.objects.values_list("id_number", "status_date"))
    assert [values[row["身份证号"]] for row in rows] == [D(2025, 3, 1), D(2024, 5, 6), None]
    log_in(client, role_user("人事干部"))
    export = client.get(reverse("cadres:cadre_export"), {"status": "all"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    exported = list(sheet.iter_rows(values_only=True))
    column = exported[0].index("状态变更时间")
    assert sorted(str(row[column])[:10] for row in exported[1:]) == ["2024-05-06", "2025-03-01", "None"]
    # Read back, the export changes nothing.
    parsed = read_roster(io.BytesIO(b"".join(client.get(reverse("cadres:cadre_export"), {"status": "all"})
                                           .streaming_content)))
    assert parsed.errors == [] and plan_roster_import(parsed).counts["changed"] == 0


def test_a_status_date_beside_in_service_is_an_error():
    parsed = read_roster(io.BytesIO(build_roster([valid_row(0, 状态变更时间="2025-03")], [*HEADERS, "状态变更时间"])))
    assert [str(e) for e in parsed.errors] == [f"第2行 状态变更时间: {messages.IMPORT_STATUS_DATE_WHEN_ACTIVE}"]


def test_a_workbook_without_the_column_keeps_the_stored_date():
    row = valid_row(0, 人员状态="退休", 状态变更时间="2025-03")
    _import([row], [*HEADERS, "状态变更时间"])
    plan, _ = _import([row])  # the older layout, without the column
    assert plan.counts["changed"] == 0
    assert Cadre.objects.get().status_date == D(2025, 3, 1)


# --- the import column 状态变更原因 -------------------------------------------------------------------


def test_the_import_reads_the_status_reason_the_export_writes_it_and_a_workbook_without_it_keeps_it(client):
    columns = [*HEADERS, "状态变更时间", "状态变更原因"]
    rows = [valid_row(0, 人员状态="调出", 状态变更时间="2025-03", 状态变更原因="调往区财政局"),
            valid_row(1, 人员状态="辞职", 状态变更时间="2024-05", 状态变更原因="本人申请辞去公职")]
    _import(rows, columns)
    reasons = dict(Cadre.objects.values_list("id_number", "status_reason"))
    assert [reasons[row["身份证号"]] for row in rows] == ["调往区财政局", "本人申请辞去公职"]
    log_in(client, role_user("人事干部"))
    export = b"".join(client.get(reverse("cadres:cadre_export"), {"status": "all"}).streaming_content)
    exported = list(load_workbook(io.BytesIO(export)).active.iter_rows(values_only=True))
    column = exported[0].index("状态变更原因")
    assert sorted(row[column] for row in exported[1:]) == ["本人申请辞去公职", "调往区财政局"]
    parsed = read_roster(io.BytesIO(export))
    assert parsed.errors == [] and plan_roster_import(parsed).counts["changed"] == 0
    plan, _ = _import(rows, [*HEADERS, "状态变更时间"])  # an older layout, without the reason column
    assert plan.counts["changed"] == 0
    assert Cadre.objects.get(id_number=rows[0]["身份证号"]).status_reason == "调往区财政局"


def test_a_status_reason_beside_in_service_is_an_error():
    parsed = read_roster(io.BytesIO(build_roster([valid_row(0, 状态变更原因="调动")], [*HEADERS, "状态变更原因"])))
    assert [str(e) for e in parsed.errors] == [f"第2行 状态变更原因: {messages.IMPORT_STATUS_REASON_WHEN_ACTIVE}"]
