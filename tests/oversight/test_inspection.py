"""定期考察 services: 平时考核 grids (save, submit, confirm, reopen, import), 年度考核 rules, settings, 考察."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from cadre_office.audit.models import AuditEvent
from oversight import messages_inspection as msg
from oversight import services
from oversight.models import (
    AnnualAppraisal,
    AppraisalConflictRule,
    DisciplineAction,
    InspectionShortcoming,
    InspectionVisit,
    OversightSettings,
    QuarterlyGrade,
    QuarterlyReview,
)
from oversight.selectors import open_shortcomings
from oversight.services.inspection import add_one_month
from oversight.services.inspection_import import grid_template_xlsx
from tests.factories import CadreFactory
from tests.oversight.inspection_helpers import LAST_YEAR, PERIOD, all_graded, day, listening, make_world, refused

pytestmark = pytest.mark.django_db
YEAR, QUARTER = PERIOD
PERIOD_TEXT = f"{YEAR}年第三季度"


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def heard():
    yield from listening()


def save(world, actor, grades, *, unit="office", submit=False, period=PERIOD):
    return services.quarterly_grades_save(actor=actor, department=world[unit], year=period[0], quarter=period[1],
                                          grades=grades, submit=submit)


# --- 平时考核: entering ---------------------------------------------------------------------------


def test_a_head_enters_their_units_grid_with_history_and_audit(world):
    a, b, _c = world["own"]
    review, changed = save(world, world["head"], {a.pk: ("good", "表现突出"), b.pk: ("poor", "")})
    assert changed == 2 and review.state == QuarterlyReview.State.DRAFT
    assert dict(review.grades.values_list("cadre__name", "grade")) == {"王一": "good", "李二": "poor"}
    assert {row.history_user for row in QuarterlyGrade.history.all()} == {world["head"]}
    assert QuarterlyReview.history.get().history_user == world["head"]
    assert AuditEvent.objects.filter(event="create", object_type="cadres.cadre", object_id=str(a.pk)).count() == 1
    # Saving the same again changes nothing and writes nothing.
    history = QuarterlyGrade.history.count()
    assert save(world, world["head"], {a.pk: ("good", "表现突出")})[1] == 0
    assert QuarterlyGrade.history.count() == history


def test_clearing_a_grade_deletes_it_with_history(world):
    a = world["own"][0]
    save(world, world["head"], {a.pk: ("good", "")})
    assert save(world, world["head"], {a.pk: ("", "")})[1] == 1
    assert not QuarterlyGrade.objects.exists()
    assert QuarterlyGrade.history.filter(history_type="-").count() == 1


def test_a_cadre_of_another_unit_is_refused(world):
    save(world, world["head"], {world["own"][0].pk: ("good", "")})
    stranger = world["other"][0]
    refused(lambda: save(world, world["head"], {stranger.pk: ("good", "")}),
            msg.GRID_FOREIGN_CADRE.format(name="钱五", unit="办公室", period=PERIOD_TEXT))


def test_a_forged_cadre_number_is_refused(world):
    save(world, world["head"], {world["own"][0].pk: ("good", "")})
    refused(lambda: save(world, world["head"], {999999: ("good", "")}),
            msg.GRID_FOREIGN_CADRE.format(name="编号999999", unit="办公室", period=PERIOD_TEXT))


def test_an_unknown_grade_is_refused(world):
    save(world, world["head"], {world["own"][0].pk: ("good", "")})
    refused(lambda: save(world, world["head"], {world["own"][1].pk: ("excellent", "")}),
            msg.GRID_BAD_GRADE.format(name="李二", grade="excellent"))


def test_a_quarter_not_yet_begun_is_refused(world):
    year = timezone.localdate().year + 1
    refused(lambda: save(world, world["head"], all_graded(world["own"]), period=(year, 1)),
            msg.GRID_FUTURE.format(period=f"{year}年第一季度"))


def test_a_sub_units_cadres_are_on_its_own_grid_not_the_parents(world):
    refused(lambda: save(world, world["head"], {world["sub"][0].pk: ("good", "")}),
            msg.GRID_FOREIGN_CADRE.format(name="赵四", unit="办公室", period=PERIOD_TEXT))
    assert save(world, world["head"], {world["sub"][0].pk: ("good", "")}, unit="archive")[1] == 1


# --- 平时考核: submit, confirm, reopen ------------------------------------------------------------


def test_submitting_with_cadres_not_graded_is_refused(world):
    a, _b, _c = world["own"]
    save(world, world["head"], {a.pk: ("good", "")})
    refused(lambda: save(world, world["head"], {}, submit=True),
            msg.GRID_INCOMPLETE.format(count=2, names="张三、李二"))


def test_a_submitted_grid_is_closed_to_the_head_but_personnel_may_correct_it(world):
    review, _ = save(world, world["head"], all_graded(world["own"]), submit=True)
    assert review.state == QuarterlyReview.State.SUBMITTED and review.submitted_by == world["head"]
    a = world["own"][0]
    refused(lambda: save(world, world["head"], {a.pk: ("fair", "")}),
            msg.GRID_SUBMITTED.format(period=PERIOD_TEXT))
    assert save(world, world["staff"], {a.pk: ("fair", "")})[1] == 1
    refused(lambda: services.quarterly_review_submit(actor=world["head"], review=review),
            msg.GRID_NOT_DRAFT.format(state="已提交"))


def test_confirming_locks_the_grid_and_a_poor_grade_makes_a_reminder_talk_due(world, heard):
    a, b, c = world["own"]
    review, _ = save(world, world["head"], {a.pk: ("good", ""), b.pk: ("poor", "迟到早退"), c.pk: ("average", "")},
                     submit=True)
    review = services.quarterly_review_confirm(actor=world["staff"], review=review)
    assert review.state == QuarterlyReview.State.CONFIRMED and review.confirmed_by == world["staff"]
    poor = QuarterlyGrade.objects.get(cadre=b)
    assert heard["talks"].calls == [{
        "actor": world["staff"], "cadre": b, "kind": "reminder", "due_on": add_one_month(timezone.localdate()),
        "reason": msg.POOR_TALK_REASON.format(period=PERIOD_TEXT), "source": f"quarterly:{poor.pk}"}]
    assert sorted(call["cadre"].name for call in heard["changes"].calls) == ["张三", "李二", "王一"]
    refused(lambda: save(world, world["staff"], {a.pk: ("fair", "")}), msg.GRID_LOCKED.format(period=PERIOD_TEXT))
    assert AuditEvent.objects.filter(event="workflow", object_type="oversight.quarterlyreview").count() == 2


def test_only_a_submitted_grid_can_be_confirmed(world):
    review, _ = save(world, world["head"], all_graded(world["own"]))
    refused(lambda: services.quarterly_review_confirm(actor=world["staff"], review=review),
            msg.GRID_NOT_SUBMITTED.format(state="填报中"))


def test_reopening_needs_a_reason_and_returns_the_grid_to_the_unit(world, heard):
    review, _ = save(world, world["head"], all_graded(world["own"]), submit=True)
    review = services.quarterly_review_confirm(actor=world["staff"], review=review)
    refused(lambda: services.quarterly_review_reopen(actor=world["staff"], review=review, reason="  "),
            msg.GRID_REOPEN_REASON)
    heard["changes"].calls.clear()
    review = services.quarterly_review_reopen(actor=world["staff"], review=review, reason="李二等次有误")
    assert review.state == QuarterlyReview.State.DRAFT and review.reopen_reason == "李二等次有误"
    assert review.confirmed_by is None and review.submitted_by is None
    assert len(heard["changes"].calls) == 3  # the confirmed grades no longer count
    assert save(world, world["head"], {world["own"][1].pk: ("fair", "")})[1] == 1
    refused(lambda: services.quarterly_review_reopen(actor=world["staff"], review=review, reason="再退"),
            msg.GRID_NOT_REOPENABLE)


def test_a_unit_without_cadres_has_nothing_to_submit(world):
    from tests.factories import DepartmentFactory

    empty = DepartmentFactory(name="空科室")
    world["empty"] = empty
    refused(lambda: save(world, world["staff"], {}, unit="empty", submit=True),
            msg.GRID_EMPTY.format(unit="空科室", period=PERIOD_TEXT))


# --- 平时考核: the Excel template and its import ---------------------------------------------------


def _workbook(rows, header=("序号", "编号", "姓名", "现任职务", "等次", "备注")) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["办公室平时考核"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _import(world, handle, actor=None):
    return services.quarterly_grades_import(actor=actor or world["head"], department=world["office"], year=YEAR,
                                            quarter=QUARTER, handle=handle, filename="grid.xlsx")


def test_the_template_lists_the_units_cadres_and_fills_the_grid_back(world):
    from openpyxl import load_workbook

    save(world, world["head"], {world["own"][0].pk: ("fair", "原有")})
    content = grid_template_xlsx(department=world["office"], year=YEAR, quarter=QUARTER,
                                 grades={world["own"][0].pk: ("fair", "原有")})
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[2] for row in rows] == ["张三", "李二", "王一"]
    assert rows[2][4] == "较好"
    book = load_workbook(io.BytesIO(content))
    for row in book.active.iter_rows(min_row=3):
        row[4].value = "好"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    review, count = _import(world, buffer)
    assert count == 3
    assert set(review.grades.values_list("grade", flat=True)) == {"good"}
    assert AuditEvent.objects.filter(event="import", object_type="oversight.quarterlyreview").count() == 1


def test_an_import_with_bad_rows_reports_every_one_and_saves_nothing(world):
    a, b, c = world["own"]
    stranger = world["other"][0]
    handle = _workbook([
        (1, a.pk, "王一", "", "好", ""),
        (2, b.pk, "李三", "", "较好", ""),          # wrong name
        (3, c.pk, "张三", "", "优秀", ""),          # wrong grade
        (4, stranger.pk, "钱五", "", "好", ""),     # another unit's cadre
        (5, a.pk, "王一", "", "好", ""),            # twice
        (6, "abc", "某人", "", "好", ""),           # not a number
    ])
    refused(lambda: _import(world, handle), [
        msg.IMPORT_ROW_NAME.format(row=4, code=b.pk, expected="李二", name="李三"),
        msg.IMPORT_ROW_GRADE.format(row=5, grade="优秀"),
        msg.IMPORT_ROW_UNKNOWN.format(row=6, code=stranger.pk, unit="办公室", period=PERIOD_TEXT),
        msg.IMPORT_ROW_DUPLICATE.format(row=7, code=a.pk),
        msg.IMPORT_ROW_UNKNOWN.format(row=8, code="abc", unit="办公室", period=PERIOD_TEXT),
    ])


def test_an_import_without_the_templates_header_or_of_garbage_is_refused(world):
    refused(lambda: _import(world, _workbook([(1, 2, 3)], header=("甲", "乙", "丙"))), msg.IMPORT_BAD_HEADER)
    refused(lambda: _import(world, io.BytesIO(b"PK\x03\x04 not really a workbook")), msg.IMPORT_UNREADABLE)
    refused(lambda: _import(world, _workbook([])), msg.IMPORT_NOTHING)


def test_an_import_into_a_submitted_grid_is_refused_for_the_head(world):
    save(world, world["head"], all_graded(world["own"]), submit=True)
    handle = _workbook([(1, world["own"][0].pk, "王一", "", "一般", "")])
    refused(lambda: _import(world, handle), msg.GRID_SUBMITTED.format(period=PERIOD_TEXT))


# --- 年度考核: conflicts with 处分/诫勉, the share of 优秀 ------------------------------------------------


def _discipline(cadre, kind, decided_on, effect_until):
    return DisciplineAction.objects.create(cadre=cadre, kind=kind, decided_on=decided_on, effect_until=effect_until)


def _annual(world, grades, unit="office", year=LAST_YEAR):
    return services.annual_grades_save(actor=world["staff"], department=world[unit], year=year, grades=grades)


@pytest.fixture
def roster(world):
    """Enough cadres in service that the share of 优秀 is not what the conflict tests run into (20% of 26 = 5)."""
    CadreFactory.create_batch(20, department=world["finance"])
    return world


def test_an_admonition_decided_in_the_year_refuses_excellent(roster):
    a = roster["own"][0]
    _discipline(a, "admonition", day(3, 5), day(9, 4))
    refused(lambda: _annual(roster, {a.pk: "excellent"}),
            msg.CONFLICT_EXCLUDE.format(name="王一", year=LAST_YEAR, kind="诫勉", decided=f"{LAST_YEAR}-03-05"))
    assert _annual(roster, {a.pk: "competent"}) == 1


def test_a_demerit_in_effect_forces_unrated(roster):
    a = roster["own"][0]
    # Decided the year before, still in effect during the year.
    _discipline(a, "demerit", day(10, 1, LAST_YEAR - 1), day(10, 1))
    refused(lambda: _annual(roster, {a.pk: "competent"}),
            msg.CONFLICT_FORCE.format(name="王一", year=LAST_YEAR, kind="记过", until=f"{LAST_YEAR}-10-01"))
    assert _annual(roster, {a.pk: "unrated"}) == 1


def test_a_warning_decided_the_year_before_does_not_limit_this_year(roster):
    a = roster["own"][0]
    _discipline(a, "warning", day(6, 1, LAST_YEAR - 1), day(6, 1))
    assert _annual(roster, {a.pk: "excellent"}) == 1


def test_an_inactive_rule_is_not_applied(roster):
    a = roster["own"][0]
    _discipline(a, "admonition", day(3, 5), day(9, 4))
    AppraisalConflictRule.objects.filter(outcome="exclude_excellent").update(is_active=False)
    assert _annual(roster, {a.pk: "excellent"}) == 1


def test_every_conflict_and_foreign_cadre_is_reported_at_once(roster):
    a, b, _c = roster["own"]
    _discipline(a, "warning", day(2, 1), day(8, 1))
    _discipline(b, "major_demerit", day(2, 1), day(12, 1, LAST_YEAR + 1))
    stranger = roster["other"][0]
    refused(lambda: _annual(roster, {a.pk: "excellent", b.pk: "basic", stranger.pk: "competent"}), [
        msg.ANNUAL_FOREIGN_CADRE.format(name="钱五", unit="办公室", year=LAST_YEAR),
        msg.CONFLICT_EXCLUDE.format(name="王一", year=LAST_YEAR, kind="警告", decided=f"{LAST_YEAR}-02-01"),
        msg.CONFLICT_FORCE.format(name="李二", year=LAST_YEAR, kind="记大过", until=f"{LAST_YEAR + 1}-12-01"),
    ])


def test_excellent_beyond_the_share_is_refused_with_the_numbers(world):
    # 6 cadres in service: 20% allows 1.
    a, b, c = world["own"]
    assert _annual(world, {a.pk: "excellent"}) == 1
    refused(lambda: _annual(world, {b.pk: "excellent", c.pk: "excellent"}),
            msg.EXCELLENT_SHARE_EXCEEDED.format(year=LAST_YEAR, excellent=3, total=6, share=50.0, limit=20,
                                                allowed=1))
    # 不进行考核 leaves the count of those appraised.
    settings = OversightSettings.current()
    settings.excellent_share_percent = 25
    services.oversight_settings_save(actor=world["staff"], settings=settings)
    CadreFactory.create_batch(2, department=world["finance"])  # 8 appraised: 25% allows 2
    assert _annual(world, {b.pk: "excellent"}) == 1


def test_the_share_is_checked_on_the_single_record_form_too(world):
    from oversight.services import appraisal_save

    a, b, _c = world["own"]
    appraisal_save(actor=world["staff"], appraisal=AnnualAppraisal(cadre=a, year=LAST_YEAR, grade="excellent"))
    refused(lambda: appraisal_save(actor=world["staff"],
                                   appraisal=AnnualAppraisal(cadre=b, year=LAST_YEAR, grade="excellent")),
            msg.EXCELLENT_SHARE_EXCEEDED.format(year=LAST_YEAR, excellent=2, total=6, share=33.3, limit=20,
                                                allowed=1))


def test_the_conflict_rules_apply_to_the_single_record_form(roster):
    from oversight.services import appraisal_save

    a = roster["own"][0]
    _discipline(a, "removal", day(1, 10), day(12, 31, LAST_YEAR + 1))
    refused(lambda: appraisal_save(actor=roster["staff"],
                                   appraisal=AnnualAppraisal(cadre=a, year=LAST_YEAR, grade="competent")),
            msg.CONFLICT_FORCE.format(name="王一", year=LAST_YEAR, kind="撤职", until=f"{LAST_YEAR + 1}-12-31"))


def test_changed_grades_are_announced_and_written_with_history(roster, heard):
    a, b, _c = roster["own"]
    AnnualAppraisal.objects.create(cadre=a, year=LAST_YEAR, grade="competent")
    assert _annual(roster, {a.pk: "competent", b.pk: "competent"}) == 1
    assert [call["cadre"] for call in heard["changes"].calls] == [b]
    assert AnnualAppraisal.history.filter(cadre=b).get().history_user == roster["staff"]
    assert _annual(roster, {b.pk: ""}) == 1
    assert not AnnualAppraisal.objects.filter(cadre=b).exists()


def test_a_year_not_yet_begun_is_refused(world):
    year = timezone.localdate().year + 1
    refused(lambda: _annual(world, {world["own"][0].pk: "competent"}, year=year), msg.ANNUAL_FUTURE.format(year=year))


def test_the_default_rules_are_seeded_as_data():
    rules = list(AppraisalConflictRule.objects.values_list("kinds", "condition", "outcome", "is_active"))
    assert rules == [
        (["admonition", "warning"], "decided", "exclude_excellent", True),
        (["demerit", "major_demerit", "demotion", "removal"], "in_effect", "force_unrated", True),
    ]
    assert OversightSettings.current().excellent_share_percent == 20


def test_the_share_setting_cannot_pass_25_percent(world):
    from django.core.exceptions import ValidationError

    settings = OversightSettings.current()
    settings.excellent_share_percent = 26
    with pytest.raises(ValidationError) as exc:
        services.oversight_settings_save(actor=world["staff"], settings=settings)
    assert "excellent_share_percent" in exc.value.message_dict
    assert OversightSettings.current().excellent_share_percent == 20


def test_a_rule_without_kinds_is_refused(world):
    from django.core.exceptions import ValidationError

    rule = AppraisalConflictRule(name="空规则", kinds=[], condition="decided", outcome="exclude_excellent")
    with pytest.raises(ValidationError):
        services.conflict_rule_save(actor=world["staff"], rule=rule)
    assert AppraisalConflictRule.objects.count() == 2


# --- 考察 -------------------------------------------------------------------------------------------


def _visit(cadre, **kwargs):
    fields = {"visited_on": dt.date(LAST_YEAR, 11, 20), "inspectors": "组织人事科 张某、李某",
              **{f"{key}_rating": "good" for key, _ in InspectionVisit.ASPECTS}, **kwargs}
    return InspectionVisit.objects.create(cadre=cadre, **fields)


def test_open_shortcomings_are_those_not_yet_resolved(world):
    a, b, _c = world["own"]
    visit = _visit(a)
    open_one = InspectionShortcoming.objects.create(cadre=a, visit=visit, area="performance",
                                                    description="统筹协调能力有待提高", suggestion="安排跟班学习")
    InspectionShortcoming.objects.create(cadre=a, visit=visit, area="morale", description="创新意识不强",
                                         resolved_on=dt.date(LAST_YEAR, 12, 20))
    InspectionShortcoming.objects.create(cadre=b, visit=_visit(b), area="other", description="别人的")
    assert list(open_shortcomings(a)) == [open_one]


def test_a_shortcoming_on_another_cadres_visit_is_refused(world):
    from cadres.services.records import child_record_save

    a, b, _c = world["own"]
    item = InspectionShortcoming(cadre=a, visit=_visit(b), area="other", description="挂错了考察")
    refused(lambda: child_record_save(actor=world["staff"], obj=item), msg.SHORTCOMING_VISIT_MISMATCH)


def test_add_one_month_keeps_the_day_or_takes_the_months_last():
    assert add_one_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert add_one_month(dt.date(2026, 12, 2)) == dt.date(2027, 1, 2)


def test_a_grade_entered_or_deleted_on_the_record_page_is_announced(world, heard):
    from oversight.services import appraisal_delete, appraisal_save

    a = world["own"][0]
    appraisal = appraisal_save(actor=world["staff"],
                               appraisal=AnnualAppraisal(cadre=a, year=LAST_YEAR, grade="competent"))
    appraisal_delete(actor=world["staff"], appraisal=appraisal)
    assert [call["cadre"] for call in heard["changes"].calls] == [a, a]
