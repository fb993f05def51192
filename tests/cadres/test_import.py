"""Importing the roster workbook: plan, apply all or nothing, and the import_roster command."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cadres.codes import EducationLevel, LeadershipLevel, PersonnelStatus, Rank
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment
from cadres.roster_workbook import read_roster
from cadres.services import apply_roster_import, department_root, plan_roster_import
from cadres.services.roster_import import FieldChange
from tests.cadres.workbooks import (
    INVALID_ROWS,
    build_roster,
    invalid_workbook_rows,
    valid_row,
    valid_rows,
    write_roster,
)
from tests.factories import CadreFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date
TRACKED = (Department, Cadre, Education, PostAssignment, RankAssignment)


def plan_for(rows):
    parsed = read_roster(io.BytesIO(build_roster(rows)))
    assert [str(e) for e in parsed.errors] == []
    return plan_roster_import(parsed)


def do_import(rows, actor):
    plan = plan_for(rows)
    assert [str(e) for e in plan.errors] == []
    return plan, apply_roster_import(plan, actor=actor)


def snapshot() -> dict:
    """Return the row count and history row count of every roster table."""
    return {model.__name__: (model.objects.count(), model.history.count()) for model in TRACKED}


def cadre_values() -> list[dict]:
    return list(Cadre.objects.order_by("id_number").values(
        *[f.attname for f in Cadre._meta.concrete_fields if f.name not in ("updated_at",)]))


def run_command(*args, **options) -> tuple[int, str, str]:
    """Run import_roster; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_roster", *[str(a) for a in args], stdout=out, stderr=err, **options)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def cadre_of(row: dict) -> Cadre:
    return Cadre.objects.get(id_number=row["身份证号"])


# --- creating ------------------------------------------------------------------------------------


def test_import_creates_every_row_with_educations_posts_and_ranks(actor):
    rows = valid_rows(6)
    plan, result = do_import(rows, actor)
    assert plan.counts == {"new": 6, "changed": 0, "unchanged": 0, "errors": 0}
    assert (result.created, result.updated, result.unchanged) == (6, 0, 0)
    assert Cadre.objects.count() == 6
    cadre = cadre_of(rows[0])
    assert cadre.name == rows[0]["姓名"]
    assert cadre.birth_date == D(1980, 1, 1)
    assert cadre.department.name == "办公室"
    assert cadre.party_join_date == D(2010, 7, 1)
    assert cadre.status == PersonnelStatus.ACTIVE
    educations = {(e.kind, e.level, e.degree, e.school_major) for e in cadre.educations.all()}
    assert educations == {
        (Education.Kind.FULL_TIME, EducationLevel.BACHELOR, "法学学士", "某某大学法学专业"),
        (Education.Kind.PART_TIME, EducationLevel.MASTER, "公共管理硕士", "某省委党校"),
    }
    (post,) = cadre.posts.all()
    assert (post.title, post.level, post.start_date, post.end_date, post.department) == (
        "副科长", LeadershipLevel.TOWNSHIP_DEPUTY, D(2020, 1, 1), None, cadre.department)
    (rank,) = cadre.ranks.all()
    assert (rank.rank, rank.start_date, rank.end_date) == (Rank.PRINCIPAL_STAFF_3, D(2019, 6, 1), None)
    assert Education.objects.count() == 12
    assert PostAssignment.objects.count() == RankAssignment.objects.count() == 6


def test_import_sets_the_cached_current_post_and_rank(actor):
    rows = [valid_row(0, 现任职务="办公室主任", 职务层次="正科", 任现职时间="2021.03"), valid_row(1, 现任职务=None,
            职务层次=None, 任现职时间=None, 职级=None, 任现职级时间=None)]
    do_import(rows, actor)
    chief, plain = cadre_of(rows[0]), cadre_of(rows[1])
    assert (chief.current_post_title, chief.current_level, chief.current_post_start) == (
        "办公室主任", LeadershipLevel.TOWNSHIP_CHIEF, D(2021, 3, 1))
    assert (chief.current_rank, chief.current_rank_start) == (Rank.PRINCIPAL_STAFF_3, D(2019, 6, 1))
    assert (plain.current_post_title, plain.current_level, plain.current_post_start) == ("", "", None)
    assert (plain.current_rank, plain.current_rank_start) == ("", None)
    assert not plain.posts.exists()
    assert not plain.ranks.exists()


def test_new_departments_are_created_under_the_bureau_root(actor):
    do_import([valid_row(0, 工作单位="办公室"), valid_row(1, 工作单位="综合执法大队"), valid_row(2, 工作单位="办公室")],
              actor)
    root = department_root(actor=actor)
    office, brigade = Department.objects.get(name="办公室"), Department.objects.get(name="综合执法大队")
    assert office.parent == brigade.parent == root
    assert office.kind == Department.Kind.SECTION
    assert brigade.kind == Department.Kind.UNIT  # named like a subordinate unit
    assert office.path.startswith(root.path)
    assert office.path != root.path
    assert Department.objects.count() == 3


def test_existing_department_is_reused(actor):
    root = department_root(actor=actor)
    from cadres.services import department_create

    office = department_create(actor=actor, name="办公室", parent=root)
    do_import([valid_row(0, 工作单位="办公室")], actor)
    assert Cadre.objects.get().department == office
    assert Department.objects.count() == 2


@pytest.mark.parametrize("status", [PersonnelStatus.TRANSFERRED, PersonnelStatus.RETIRED, PersonnelStatus.REMOVED])
def test_cadre_imported_as_transferred_or_retired_is_out_of_service_on_every_date(actor, status):
    row = valid_row(0, 人员状态=PersonnelStatus(status).label)
    do_import([row], actor)
    cadre = cadre_of(row)
    assert cadre.status == status
    assert cadre.status_date is None
    assert not cadre.is_in_service
    assert not Cadre.objects.active().exists()


# --- importing again ------------------------------------------------------------------------------


def test_reimporting_same_workbook_changes_nothing(actor):
    rows = [*valid_rows(8), valid_row(8, 人员状态="退休"), valid_row(9, 现任职务=None, 职务层次=None, 任现职时间=None)]
    do_import(rows, actor)
    before, values = snapshot(), cadre_values()

    plan, result = do_import(rows, UserFactory(username="second"))

    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 10, "errors": 0}
    assert all(row_plan.changes == [] for row_plan in plan.rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert snapshot() == before  # no new rows, no new history rows
    assert cadre_values() == values


def test_reimporting_with_other_spellings_of_the_same_values_changes_nothing(actor):
    row = valid_row(0)
    do_import([row], actor)
    before = snapshot()
    respelled = dict(row, 姓名=row["姓名"][0] + "\u3000" + row["姓名"][1:], 出生日期=None, 政治面貌="党员",
                     民族="汉", 全日制学历="本科", 职务层次="副科", 任现职时间="2020-01-01", 任现职级时间=20190601,
                     人员状态=None, 身份证号=row["身份证号"].lower())
    plan, _ = do_import([respelled], actor)
    assert plan.counts["unchanged"] == 1
    assert snapshot() == before


def test_changed_workbook_reports_each_change_with_old_and_new(actor):
    row = valid_row(0)
    do_import([row, valid_row(1)], actor)
    changed = dict(row, 姓名="王新", 政治面貌="群众", 参加工作时间="2009-07-01", 工作单位="档案馆", 人员状态="调出")
    plan = plan_for([changed, valid_row(1)])
    assert plan.counts == {"new": 0, "changed": 1, "unchanged": 1, "errors": 0}
    (row_plan,) = plan.of_kind("changed")
    assert row_plan.cadre == cadre_of(row)
    assert set(row_plan.changes) >= {
        FieldChange("姓名", row["姓名"], "王新"),
        FieldChange("政治面貌", "中共党员", "群众"),
        FieldChange("参加工作时间", "2008-07-01", "2009-07-01"),
        FieldChange("工作单位", "办公室", "档案馆"),
        FieldChange("人员状态", "在职", "调出"),
    }


def test_changed_workbook_updates_the_cadre(actor):
    row = valid_row(0)
    do_import([row], actor)
    changed = dict(row, 姓名="王新", 政治面貌="群众", 工作单位="新设科", 人员状态="调出", 全日制学历="硕士研究生毕业",
                   全日制学位="法学硕士", 籍贯="四川绵阳")
    _, result = do_import([changed], actor)
    assert (result.created, result.updated) == (0, 1)
    cadre = cadre_of(row)
    assert (cadre.name, cadre.political_status, cadre.native_place) == ("王新", "13", "四川绵阳")
    assert cadre.department.name == "新设科"
    assert cadre.department.parent == department_root(actor=actor)
    assert cadre.status == PersonnelStatus.TRANSFERRED
    assert cadre.status_date is None
    fulltime = cadre.educations.get(kind=Education.Kind.FULL_TIME)
    assert (fulltime.level, fulltime.degree) == (EducationLevel.MASTER, "法学硕士")
    assert cadre.educations.count() == 2  # corrected in place, not added


def test_later_post_in_workbook_ends_the_old_post_the_day_before(actor):
    row = valid_row(0)
    do_import([row], actor)
    promoted = dict(row, 现任职务="科长", 职务层次="乡科级正职", 任现职时间="2024-03-01")
    plan, _ = do_import([promoted], actor)
    (row_plan,) = plan.of_kind("changed")
    assert [c.label for c in row_plan.changes] == ["现任职务"]
    assert row_plan.changes[0].old == "办公室 副科长 乡科级副职 2020-01-01起"
    assert row_plan.changes[0].new == "办公室 科长 乡科级正职 2024-03-01起"
    cadre = cadre_of(row)
    old, new = cadre.posts.order_by("start_date")
    assert (old.title, old.start_date, old.end_date) == ("副科长", D(2020, 1, 1), D(2024, 2, 29))
    assert (new.title, new.level, new.start_date, new.end_date) == ("科长", "51", D(2024, 3, 1), None)
    assert (cadre.current_post_title, cadre.current_level, cadre.current_post_start) == ("科长", "51", D(2024, 3, 1))


def test_post_with_the_same_start_is_corrected_in_place(actor):
    row = valid_row(0)
    do_import([row], actor)
    corrected = dict(row, 现任职务="副主任", 职务层次="乡科级正职")
    do_import([corrected], actor)
    cadre = cadre_of(row)
    (post,) = cadre.posts.all()
    assert (post.title, post.level, post.start_date, post.end_date) == ("副主任", "51", D(2020, 1, 1), None)
    assert (cadre.current_post_title, cadre.current_level) == ("副主任", "51")
    assert post.history.latest().history_change_reason == "花名册导入"


def test_rank_change_starts_a_new_rank_and_ends_the_old(actor):
    row = valid_row(0)
    do_import([row], actor)
    plan, _ = do_import([dict(row, 职级="二级主任科员", 任现职级时间="2023-06-01")], actor)
    assert plan.of_kind("changed")[0].changes == [
        FieldChange("职级", "三级主任科员 2019-06-01起", "二级主任科员 2023-06-01起")]
    cadre = cadre_of(row)
    old, new = cadre.ranks.order_by("start_date")
    assert (old.rank, old.end_date) == (Rank.PRINCIPAL_STAFF_3, D(2023, 5, 31))
    assert (new.rank, new.start_date, new.end_date) == (Rank.PRINCIPAL_STAFF_2, D(2023, 6, 1), None)
    assert (cadre.current_rank, cadre.current_rank_start) == (Rank.PRINCIPAL_STAFF_2, D(2023, 6, 1))


def test_corrected_rank_start_is_corrected_in_place(actor):
    row = valid_row(0)
    do_import([row], actor)
    do_import([dict(row, 任现职级时间="2019-10-01")], actor)
    (rank,) = cadre_of(row).ranks.all()
    assert (rank.rank, rank.start_date, rank.end_date) == (Rank.PRINCIPAL_STAFF_3, D(2019, 10, 1), None)
    assert cadre_of(row).current_rank_start == D(2019, 10, 1)


def test_post_start_earlier_than_the_post_on_record_is_an_error(actor):
    cadre = CadreFactory(birth_date=D(1980, 1, 1))
    PostFactory(cadre=cadre, start_date=D(2022, 5, 1), title="科长", level="51")
    row = valid_row(0, 身份证号=cadre.id_number, 性别=cadre.get_gender_display(), 出生日期=cadre.birth_date,
                    任现职时间="2021-01-01")
    plan = plan_for([row])
    assert not plan.is_valid
    assert [str(e) for e in plan.errors] == ["第2行 任现职时间: 早于系统中现任职务的任职时间 2022-05-01"]
    with pytest.raises(ValueError):
        apply_roster_import(plan, actor=actor)


def test_import_matches_an_existing_cadre_by_id_number(actor):
    cadre = CadreFactory(birth_date=D(1980, 1, 1), name="旧名")
    row = valid_row(0, 身份证号=cadre.id_number, 性别=cadre.get_gender_display(), 出生日期=None)
    _, result = do_import([row], actor)
    assert (result.created, result.updated) == (0, 1)
    cadre.refresh_from_db()
    assert cadre.name == row["姓名"]
    assert Cadre.objects.count() == 1


def test_a_full_width_or_spaced_copy_of_an_existing_number_is_the_same_cadre(actor):
    """Seen in an attack: a full-width copy of a number on file was imported as "新增 1" (a second record)."""
    row = valid_row(0)
    do_import([row], actor)
    number = row["身份证号"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    spaced = f"{number[:6]}\u3000{number[6:14]}\u200b {number[14:]}"
    for copy in (full_width, spaced):
        _, result = do_import([{**row, "身份证号": copy}], actor)
        assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert list(Cadre.objects.values_list("id_number", flat=True)) == [number]


# --- all or nothing ---------------------------------------------------------------------------------


def test_failure_half_way_through_applying_writes_nothing(actor, monkeypatch):
    from cadres.services import roster_import

    existing = valid_row(0)
    do_import([existing], actor)
    before, values = snapshot(), cadre_values()
    plan = plan_for([dict(existing, 姓名="改名"), *valid_rows(5, start=1), valid_row(9, 工作单位="新单位")])

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(roster_import, "_update_cadre", explode)  # runs after the new cadres are inserted
    with pytest.raises(RuntimeError):
        apply_roster_import(plan, actor=actor)
    assert snapshot() == before
    assert cadre_values() == values
    assert not Department.objects.filter(name="新单位").exists()


# --- history ---------------------------------------------------------------------------------------


def test_history_rows_of_an_import_name_the_importing_user_and_reason(actor):
    row = valid_row(0)
    do_import([row], actor)
    do_import([dict(row, 姓名="王新", 任现职时间="2024-01-01", 工作单位="新设科")], actor)
    cadre = cadre_of(row)
    assert cadre.history.count() >= 2
    records = [*cadre.history.all(), *PostAssignment.history.filter(cadre_id=cadre.pk),
               *RankAssignment.history.filter(cadre_id=cadre.pk), *Education.history.filter(cadre_id=cadre.pk),
               *Department.history.filter(name="新设科")]
    assert {r.history_user for r in records} == {actor}
    assert all(r.history_change_reason for r in records)
    assert cadre.history.earliest().history_change_reason == "花名册导入"


# --- the command ---------------------------------------------------------------------------------


def test_command_imports_and_prints_counts(tmp_path):
    path = write_roster(tmp_path / "roster.xlsx", valid_rows(4))
    code, out, err = run_command(path)
    assert (code, err) == (0, "")
    assert "新增 4" in out
    assert Cadre.objects.count() == 4
    code, out, _ = run_command(path)
    assert code == 0
    assert "新增 0" in out
    assert "未变 4" in out
    assert Cadre.objects.count() == 4


def test_command_with_invalid_workbook_writes_nothing_and_reports_every_row(tmp_path):
    path = write_roster(tmp_path / "invalid.xlsx", invalid_workbook_rows())
    code, _, err = run_command(path)
    assert code == 1
    lines = err.strip().splitlines()
    reported = {int(line[1:line.index("行")]) for line in lines if line.startswith("第")}
    assert reported == INVALID_ROWS
    assert "第11行 身份证号: 校验位错误" in lines
    assert "第20行 身份证号: 与第3行重复" in lines
    assert "第38行 任现职时间:" in err
    assert f"共 {len(INVALID_ROWS)} 行有错误" in lines[-1]
    assert Cadre.objects.count() == 0
    assert Department.objects.count() == 0
    assert all(model.history.count() == 0 for model in TRACKED)


def test_command_with_missing_column_exits_1(tmp_path):
    from tests.cadres.workbooks import HEADERS

    path = write_roster(tmp_path / "roster.xlsx", valid_rows(2), [h for h in HEADERS if h != "身份证号"])
    code, _, err = run_command(path)
    assert code == 1
    assert "第1行 身份证号: 缺少必需的列：身份证号" in err
    assert not Cadre.objects.exists()


def test_command_with_unreadable_file_exits_1(tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"not a workbook")
    code, _, err = run_command(path)
    assert code == 1
    assert "无法读取该工作簿" in err


def test_command_dry_run_writes_nothing_and_exits_0(tmp_path):
    path = write_roster(tmp_path / "roster.xlsx", valid_rows(3))
    code, out, err = run_command(path, "--dry-run")
    assert (code, err) == (0, "")
    assert "将新增 3" in out
    assert Cadre.objects.count() == Department.objects.count() == 0
    assert all(model.history.count() == 0 for model in TRACKED)


def test_command_history_names_the_user_given(tmp_path):
    clerk = UserFactory(username="clerk")
    path = write_roster(tmp_path / "roster.xlsx", valid_rows(2))
    code, _, _ = run_command(path, "--user", "clerk")
    assert code == 0
    for model in TRACKED:
        assert {r.history_user for r in model.history.all()} == {clerk}, model


def test_command_history_defaults_to_the_inactive_import_roster_account(tmp_path):
    path = write_roster(tmp_path / "roster.xlsx", valid_rows(2))
    assert run_command(path)[0] == 0
    account = get_user_model().objects.get(username="import_roster")
    assert not account.is_active
    assert not account.has_usable_password()
    for model in TRACKED:
        assert {r.history_user for r in model.history.all()} == {account}, model


def test_command_refuses_an_unknown_or_inactive_user(tmp_path):
    from django.core.management import CommandError

    UserFactory(username="gone", is_active=False)
    path = write_roster(tmp_path / "roster.xlsx", valid_rows(1))
    for name in ("nobody", "gone"):
        with pytest.raises(CommandError, match="用户不存在或已停用"):
            run_command(path, "--user", name)
    assert not Cadre.objects.exists()


def test_command_reports_an_earlier_post_start_than_on_record(tmp_path):
    path = write_roster(tmp_path / "roster.xlsx", [valid_row(0)])
    assert run_command(path)[0] == 0
    write_roster(path, [valid_row(0, 任现职时间="2018-01-01", 现任职务="科长")])
    code, _, err = run_command(path)
    assert code == 1
    assert "第2行 任现职时间: 早于系统中现任职务的任职时间 2020-01-01" in err
    assert Cadre.objects.get().current_post_title == "副科长"


def test_rank_start_earlier_than_a_different_rank_on_record_is_an_error(actor):
    row = valid_row(0)
    do_import([row], actor)
    plan = plan_for([dict(row, 职级="二级主任科员", 任现职级时间="2018-01-01")])
    assert [str(e) for e in plan.errors] == ["第2行 任现职级时间: 早于系统中现任职级的任职时间 2019-06-01"]


def test_changed_post_or_rank_without_a_start_date_is_an_error(actor):
    """Without a date the open post cannot be ended; importing it would add one more open post every time."""
    row = valid_row(0)
    do_import([row], actor)
    plan = plan_for([dict(row, 现任职务="科员", 职务层次=None, 任现职时间=None, 职级="二级科员", 任现职级时间=None)])
    assert [str(e) for e in plan.errors] == [
        "第2行 任现职时间: 与系统中现任职务（2020-01-01起）不同，须填写任现职时间",
        "第2行 任现职级时间: 与系统中现任职级（2019-06-01起）不同，须填写任现职级时间",
    ]


def test_reimporting_a_post_and_rank_without_dates_changes_nothing(actor):
    row = valid_row(0, 现任职务="科员", 职务层次=None, 任现职时间=None, 任现职级时间=None)
    do_import([row], actor)
    before = snapshot()
    plan, _ = do_import([row], actor)
    assert plan.counts["unchanged"] == 1
    assert snapshot() == before
    corrected = dict(row, 现任职务="综合科员", 职级="二级科员")
    do_import([corrected], actor)
    cadre = cadre_of(row)
    assert list(cadre.posts.values_list("title", "end_date")) == [("综合科员", None)]  # corrected in place
    assert list(cadre.ranks.values_list("rank", "end_date")) == [(Rank.STAFF_2, None)]
