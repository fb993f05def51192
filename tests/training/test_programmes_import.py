"""The attendance workbook: every row checked, row errors as the roster import gives them, all or nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadres import messages as roster_messages
from cadres.idnumbers import WRONG_CHECK_DIGIT
from cadres.roster_workbook import WorkbookRejected
from tests.factories import CadreFactory, DepartmentFactory, role_user
from tests.training.factories_programmes import ProgrammeFactory
from training.models import CadreYearHours, Enrolment
from training.services import programmes_import as texts
from training.services.programmes import enrolments_add
from training.services.programmes_import import (
    HEADERS,
    attendance_import_apply,
    attendance_plan,
    attendance_template,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def world(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    staff = role_user(Role.PERSONNEL, username="staff")
    head = role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office])
    programme = ProgrammeFactory(name="科级干部政策理论培训班", hours=Decimal("40"), start_date=dt.date(2026, 9, 1),
                                 end_date=dt.date(2026, 9, 5))
    cadres = [CadreFactory(department=office, name="张三", current_level="51"),
              CadreFactory(department=office, name="王五", current_level="52"),
              CadreFactory(department=finance, name="李四", current_level="52")]
    return {"staff": staff, "head": head, "programme": programme, "cadres": cadres}


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def snapshot():
    return (list(Enrolment.objects.order_by("pk").values_list("pk", "cadre_id", "state", "attended_hours")),
            list(CadreYearHours.objects.values_list("cadre_id", "year", "hours")), Enrolment.history.count())


def test_a_good_workbook_enrols_records_and_completes_in_one_go(world):
    zhang, wang, li = world["cadres"]
    enrolments_add(actor=world["staff"], programme=world["programme"], cadres=[zhang])
    content = workbook([
        ("张三", zhang.id_number, 40, 0, "是", "DX-001", ""),
        ("王 五", wang.id_number.lower(), "36.5", 1, "否", None, "请假半天"),
        ("李四", li.id_number, None, None, None, None, None),
    ])
    plan = attendance_plan(actor=world["staff"], programme=world["programme"], content=content, today=TODAY)
    assert plan.is_valid and [r.name for r in plan.rows] == ["张三", "王五", "李四"]
    assert [r.enrolled for r in plan.rows] == [True, False, False]
    counts = attendance_import_apply(actor=world["staff"], programme=world["programme"], rows=plan.as_data(),
                                     today=TODAY, file_name="考勤.xlsx")
    assert counts == {"rows": 3, "enrolled": 2, "completed": 1}
    rows = {e.cadre.name: e for e in Enrolment.objects.select_related("cadre")}
    assert (rows["张三"].state, rows["张三"].hours, rows["张三"].credited_on, rows["张三"].certificate_no) == (
        "completed", Decimal("40"), dt.date(2026, 9, 5), "DX-001")
    assert (rows["王五"].state, rows["王五"].attended_hours, rows["王五"].absences, rows["王五"].note) == (
        "enrolled", Decimal("36.5"), 1, "请假半天")
    assert CadreYearHours.objects.get(cadre=zhang, year=2026).hours == Decimal("40")
    assert rows["王五"].history.first().history_change_reason == "导入培训考勤"
    assert AuditEvent.objects.filter(event="import", detail__file="考勤.xlsx").count() == 1


def test_a_bad_workbook_is_refused_whole_with_every_row_error(world):
    zhang, wang, li = world["cadres"]
    zhao = CadreFactory(department=zhang.department, name="赵六")
    before = snapshot()
    bad_id = zhang.id_number[:17] + ("0" if zhang.id_number[17] != "0" else "1")
    content = workbook([
        ("张三", zhang.id_number, 40, 0, "是", "", ""),          # fine on its own
        ("王五", wang.id_number, 41, 0, "否", "", ""),           # over the programme's 40
        ("李四", li.id_number, "三十", -1, "也许", "", ""),       # not numbers, not 是/否
        ("张三", zhang.id_number, 10, 0, "", "", ""),            # duplicate of row 2
        ("错名", zhao.id_number, 8, 0, "", "", ""),             # name disagrees
        ("某人", bad_id, 8, 0, "", "", ""),                      # check digit
        ("", "", 8, 0, "否", "Z-1", ""),                          # required, certificate without completion
    ])
    plan = attendance_plan(actor=world["staff"], programme=world["programme"], content=content, today=TODAY)
    assert not plan.is_valid and plan.rows == []
    got = {(e.row, e.column, e.message) for e in plan.errors}
    assert got == {
        (3, "出勤学时", texts.OVER_PROGRAMME.format(hours="40")),
        (4, "出勤学时", texts.NOT_A_NUMBER),
        (4, "缺勤次数", texts.NOT_WHOLE),
        (4, "是否结业", texts.YES_OR_NO),
        (5, "身份证号", roster_messages.IMPORT_DUPLICATE_ID.format(row=2)),
        (6, "姓名", texts.NAME_DISAGREES.format(name="赵六")),
        (7, "身份证号", WRONG_CHECK_DIGIT),
        (8, "姓名", roster_messages.IMPORT_REQUIRED),
        (8, "身份证号", roster_messages.IMPORT_REQUIRED),
        (8, "结业证书编号", texts.CERTIFICATE_WITHOUT_COMPLETION),
    }
    # The table the page shows: the roster import's (row, column, problem), in row order.
    table = plan.error_table()["preview"]
    assert table["errors_total"] == 10
    assert table["errors"][0] == (3, "出勤学时", texts.OVER_PROGRAMME.format(hours="40"))
    assert snapshot() == before


def test_a_department_head_cannot_name_a_cadre_outside_their_units(world):
    li = world["cadres"][2]
    content = workbook([("李四", li.id_number, 8, 0, "", "", "")])
    plan = attendance_plan(actor=world["head"], programme=world["programme"], content=content, today=TODAY)
    assert [(e.row, e.column, e.message) for e in plan.errors] == [(2, "身份证号", texts.NOT_FOUND)]


def test_completion_before_the_programme_ends_is_a_row_error(world):
    programme = ProgrammeFactory(hours=Decimal("8"), start_date=dt.date(2026, 12, 10), end_date=dt.date(2026, 12, 11))
    zhang = world["cadres"][0]
    plan = attendance_plan(actor=world["staff"], programme=programme, today=TODAY,
                           content=workbook([("张三", zhang.id_number, 8, 0, "是", "", "")]))
    assert [e.message for e in plan.errors] == [texts.NOT_ENDED.format(date=dt.date(2026, 12, 11))]


def test_a_workbook_without_the_required_columns_says_which(world):
    plan = attendance_plan(actor=world["staff"], programme=world["programme"], today=TODAY,
                           content=workbook([("张三", 8)], headers=["姓名", "学时"]))
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (1, "身份证号", roster_messages.IMPORT_MISSING_COLUMN.format(column="身份证号"))]


def test_a_file_that_is_not_a_workbook_is_rejected(world):
    with pytest.raises(WorkbookRejected):
        attendance_plan(actor=world["staff"], programme=world["programme"], content=b"not a workbook", today=TODAY)


def test_applying_a_preview_that_no_longer_holds_writes_nothing(world):
    zhang, wang, _ = world["cadres"]
    content = workbook([("张三", zhang.id_number, 40, 0, "是", "", ""), ("王五", wang.id_number, 30, 0, "", "", "")])
    plan = attendance_plan(actor=world["staff"], programme=world["programme"], content=content, today=TODAY)
    enrolments_add(actor=world["staff"], programme=world["programme"], cadres=[wang])  # meanwhile, by hand
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        attendance_import_apply(actor=world["staff"], programme=world["programme"], rows=plan.as_data(), today=TODAY)
    assert exc.value.messages == [texts.CHANGED_SINCE_PREVIEW]
    assert snapshot() == before


def test_the_template_lists_the_enrolled_with_full_numbers_only_for_who_may_see_them(world):
    zhang = world["cadres"][0]
    enrolments_add(actor=world["staff"], programme=world["programme"], cadres=[zhang])
    sheet = load_workbook(io.BytesIO(attendance_template(actor=world["staff"], programme=world["programme"]).content))
    rows = list(sheet.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    staff_sees = rows[1][1]
    head_file = attendance_template(actor=world["head"], programme=world["programme"])
    head_book = load_workbook(io.BytesIO(head_file.content))
    head_row = list(head_book.active.iter_rows(values_only=True))[1]
    assert rows[1][0] == head_row[0] == "张三"
    assert staff_sees == zhang.id_number  # personnel staff hold the full-ID right
    assert head_row[1] is None  # a department head types it
