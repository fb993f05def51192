"""动态管理: each flag rule, each decision and what it does to posts and the dashboard, the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadre_office.dashboard.figures import counted_cadres
from cadres.models import Cadre, PostAssignment
from cadres.services.cadres import post_start
from oversight import flags
from oversight.models import AdjustmentDecision, AdjustmentFlag, AnnualAppraisal, FlagRule, RecognitionEvaluation
from oversight.models.adjustments import number
from oversight.services import adjustments as services
from tests.factories import CadreFactory, DepartmentFactory, UserFactory, log_in, role_user

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def staff(db):
    return role_user(Role.PERSONNEL, username="staff")


def member(*, level="52", department=None, name=None, start=dt.date(2021, 3, 1)):
    """A 科级 cadre: a leadership post entered through the roster's service (the cached level set)."""
    cadre = CadreFactory(**({"department": department} if department else {}), **({"name": name} if name else {}))
    post_start(actor=UserFactory(username=f"f{cadre.pk}"), cadre=cadre, department=cadre.department,
               title="副科长" if level == "52" else "科长", level=level, start_date=start)
    cadre.refresh_from_db()
    return cadre


def grade(cadre, year, value):
    return AnnualAppraisal.objects.create(cadre=cadre, year=year, grade=value)


def rule(code):
    return FlagRule.objects.get(code=code)


def raised(staff, day=DAY, **kwargs):
    return {(f.cadre_id, f.rule.code, f.key) for f in services.flags_raise(actor=staff, day=day, **kwargs)}


# --- the rules, each one ------------------------------------------------------------------------------------


def test_default_rules_are_seeded_as_data():
    assert set(FlagRule.objects.values_list("code", flat=True)) == set(FlagRule.Code.values)
    assert rule("basic_repeated").describe() == "近3年内年度考核基本称职2次及以上"
    assert rule("low_recognition").threshold == Decimal("60.0")


def test_incompetent_last_year_flags_once(staff):
    cadre = member()
    grade(cadre, 2025, "incompetent")
    assert raised(staff) == {(cadre.pk, "annual_incompetent", "2025")}
    flag = AdjustmentFlag.objects.get()
    assert flag.evidence == "2025年度考核不称职" and flag.state == "open"
    assert flag.history.get().history_user == staff
    assert raised(staff) == set()  # the same basis twice raises nothing
    assert AdjustmentFlag.objects.count() == 1


def test_incompetent_outside_the_window_or_this_year_does_not_flag(staff):
    old, current = member(), member()
    grade(old, 2024, "incompetent")
    grade(current, 2026, "incompetent")  # the year not over: its grade belongs to next year's run
    assert raised(staff) == set()


def test_basic_twice_in_three_years_flags_and_once_does_not(staff):
    twice, once, spread = member(), member(), member()
    grade(twice, 2023, "basic"), grade(twice, 2025, "basic")
    grade(once, 2025, "basic")
    grade(spread, 2022, "basic"), grade(spread, 2025, "basic")  # 2022 is outside 2023–2025
    assert raised(staff) == {(twice.pk, "basic_repeated", "2023,2025")}
    assert AdjustmentFlag.objects.get().evidence == "2023年度、2025年度考核基本称职"


def test_rule_numbers_are_data(staff):
    cadre = member()
    grade(cadre, 2025, "basic")
    services.flag_rule_update(actor=staff, rule=rule("basic_repeated"), active=True, times=1, window=3, threshold=None)
    assert raised(staff) == {(cadre.pk, "basic_repeated", "2025")}


def test_inactive_rule_raises_nothing(staff):
    cadre = member()
    grade(cadre, 2025, "incompetent")
    services.flag_rule_update(actor=staff, rule=rule("annual_incompetent"), active=False, times=1, window=1,
                              threshold=None)
    assert raised(staff) == set()


def test_low_recognition_reads_the_latest_evaluation(staff):
    low, recovered = member(), member()
    RecognitionEvaluation.objects.create(cadre=low, evaluated_on=dt.date(2025, 12, 20), participants=40, approving=20,
                                         occasion="2025年度民主测评")
    RecognitionEvaluation.objects.create(cadre=recovered, evaluated_on=dt.date(2024, 12, 20), participants=40,
                                         approving=10, occasion="2024年度民主测评")
    RecognitionEvaluation.objects.create(cadre=recovered, evaluated_on=dt.date(2025, 12, 20), participants=40,
                                         approving=38, occasion="2025年度民主测评")
    result = raised(staff)
    assert {(c, code) for c, code, _ in result} == {(low.pk, "low_recognition")}
    assert AdjustmentFlag.objects.get().evidence == "2025年度民主测评认可度50.0%（低于60%）"


def test_threshold_rules_need_a_threshold(staff):
    with pytest.raises(ValidationError) as error:
        services.flag_rule_update(actor=staff, rule=rule("low_recognition"), active=True, times=1, window=1,
                                  threshold=None)
    assert error.value.message_dict["threshold"] == [services.THRESHOLD_REQUIRED.format(rule="群众认可度低")]
    assert rule("low_recognition").threshold == Decimal("60.0")


def test_only_the_team_is_flagged(staff):
    """A cadre without a 正科/副科 post, or out of service, is not in the team."""
    staffer = CadreFactory()
    grade(staffer, 2025, "incompetent")
    assert raised(staff) == set()


def test_entering_a_low_evaluation_flags_at_once(staff):
    cadre = member()
    evaluation = RecognitionEvaluation(cadre=cadre, evaluated_on=dt.date(2026, 11, 20), participants=30, approving=12,
                                       occasion="2026年度民主测评")
    services.recognition_save(actor=staff, evaluation=evaluation)
    flag = AdjustmentFlag.objects.get(cadre=cadre)
    assert flag.rule.code == "low_recognition"


def test_evaluation_with_more_approving_than_participants_is_refused(staff):
    cadre = member()
    with pytest.raises(ValidationError) as error:
        services.recognition_save(actor=staff, evaluation=RecognitionEvaluation(
            cadre=cadre, evaluated_on=DAY, participants=10, approving=11, occasion="测评"))
    assert error.value.message_dict["approving"] == [services.APPROVING_OVER_PARTICIPANTS]
    assert not RecognitionEvaluation.objects.exists()


# --- decisions ----------------------------------------------------------------------------------------------


def flagged(staff, **kwargs):
    cadre = member(**kwargs)
    grade(cadre, 2025, "incompetent")
    services.flags_raise(actor=staff, day=DAY)
    return cadre


def decide(staff, cadre, outcome, **kwargs):
    values = {"reason": "经局党组会议研究决定", "decided_on": DAY, "effective_date": DAY} | kwargs
    return services.decision_make(actor=staff, cadre=cadre, outcome=outcome, **values)


def test_remove_ends_section_posts_and_the_cadre_leaves_the_team(staff, django_capture_on_commit_callbacks):
    cadre = flagged(staff)
    effective = dt.date(2026, 12, 10)
    assert counted_cadres(effective).filter(pk=cadre.pk).exists()
    with django_capture_on_commit_callbacks() as callbacks:
        decision = decide(staff, cadre, "remove", effective_date=effective, new_title="四级主任科员岗位")
    post = PostAssignment.objects.get(cadre=cadre, level="52")
    assert post.end_date == dt.date(2026, 12, 9)
    assert post.history.first().history_change_reason == "动态管理：调出科级干部队伍"
    assert PostAssignment.objects.get(cadre=cadre, level="").start_date == effective
    cadre.refresh_from_db()
    assert cadre.status == "active" and cadre.current_level == ""
    assert counted_cadres(dt.date(2026, 12, 9)).filter(pk=cadre.pk).exists()
    assert not counted_cadres(effective).filter(pk=cadre.pk).exists()
    assert not flags.team(effective).filter(pk=cadre.pk).exists()
    flag = AdjustmentFlag.objects.get(cadre=cadre)
    assert (flag.state, flag.decision) == ("closed", decision)
    audit = AuditEvent.objects.filter(event="workflow", object_id=str(cadre.pk), detail__decision=decision.pk)
    assert audit.count() == 1
    assert callbacks, "the dashboard's recompute is queued once the decision commits"


def test_reassign_moves_the_post(staff):
    cadre = flagged(staff, level="51")
    other = DepartmentFactory(name="综合科")
    decide(staff, cadre, "reassign", new_department=other, new_title="副科长", new_level="52",
           effective_date=dt.date(2026, 12, 15))
    old = PostAssignment.objects.get(cadre=cadre, level="51")
    new = PostAssignment.objects.get(cadre=cadre, level="52")
    assert old.end_date == dt.date(2026, 12, 14)
    assert (new.department, new.start_date, new.end_date) == (other, dt.date(2026, 12, 15), None)
    cadre.refresh_from_db()
    assert (cadre.current_level, cadre.current_post_title) == ("52", "副科长")


def test_keep_changes_no_post(staff):
    cadre = flagged(staff)
    decision = decide(staff, cadre, "keep", reason="经研判，系客观原因所致，予以保留")
    assert PostAssignment.objects.get(cadre=cadre).end_date is None
    assert AdjustmentFlag.objects.get(cadre=cadre).decision == decision
    assert raised(staff) == set()  # the basis decided stays decided


def refused(staff, cadre, message, outcome="remove", **kwargs):
    posts = list(PostAssignment.objects.filter(cadre=cadre).values_list("pk", "end_date"))
    with pytest.raises(ValidationError) as error:
        decide(staff, cadre, outcome, **kwargs)
    assert message in error.value.messages
    assert list(PostAssignment.objects.filter(cadre=cadre).values_list("pk", "end_date")) == posts
    assert not AdjustmentDecision.objects.exists()
    assert AdjustmentFlag.objects.filter(cadre=cadre, state="closed").count() == 0


def test_decision_without_an_open_flag_is_refused(staff):
    refused(staff, member(), services.NO_OPEN_FLAG)


def test_decision_needs_a_reason(staff):
    refused(staff, flagged(staff), services.REASON_REQUIRED, reason="  ")


def test_effective_date_before_decision_is_refused(staff):
    refused(staff, flagged(staff), services.EFFECTIVE_BEFORE_DECISION, effective_date=DAY - dt.timedelta(days=1))


def test_effective_date_before_the_post_began_is_refused(staff):
    cadre = flagged(staff, start=dt.date(2026, 11, 1))
    refused(staff, cadre, services.EFFECTIVE_BEFORE_POST.format(date="2026-11-01"),
            decided_on=dt.date(2026, 10, 1), effective_date=dt.date(2026, 10, 20))


def test_reassign_needs_the_new_post(staff):
    refused(staff, flagged(staff), services.REASSIGN_NEEDS_POST, outcome="reassign", new_title="科员")


def test_remove_to_a_section_post_is_refused(staff):
    refused(staff, flagged(staff), services.REMOVE_NEW_POST_NOT_SECTION, new_title="科长", new_level="51")


def test_cadre_out_of_service_is_refused(staff):
    cadre = flagged(staff)
    Cadre.objects.filter(pk=cadre.pk).update(status="transferred", status_date=DAY)
    refused(staff, cadre, services.NOT_IN_SERVICE.format(name=cadre.name))


# --- pages --------------------------------------------------------------------------------------------------


def test_queue_and_decision_through_the_pages(client, staff):
    cadre = flagged(staff, name="赵预警")
    log_in(client, staff)
    response = client.get(reverse("oversight:flag_list"))
    assert response.status_code == 200 and "赵预警" in response.text and "2025年度考核不称职" in response.text
    url = reverse("oversight:decision_create", args=[cadre.pk])
    assert "赵预警" in client.get(url).text
    response = client.post(url, {"outcome": "remove", "reason": "年度考核不称职，调出", "decided_on": "2026-12-01",
                                 "effective_date": "2026-12-01", "new_title": "", "new_level": "", "document": ""})
    assert response.status_code == 302 and response["Location"] == reverse("oversight:flag_list")
    assert AdjustmentDecision.objects.get(cadre=cadre).outcome == "remove"
    assert "已对赵预警作出处理决定：调出科级干部队伍" in client.get(reverse("oversight:flag_list")).text
    assert "赵预警" not in client.get(reverse("oversight:flag_list")).text  # handled: off the open queue
    assert "赵预警" in client.get(reverse("oversight:flag_list") + "?state=closed").text


def test_department_head_sees_own_flags_only_and_cannot_decide(client, staff):
    own_unit, other_unit = DepartmentFactory(name="本科室"), DepartmentFactory(name="他科室")
    own, other = flagged(staff, department=own_unit, name="甲本科"), flagged(staff, department=other_unit,
                                                                             name="乙他科")
    head = role_user(Role.DEPARTMENT_HEAD, username="head", departments=[own_unit])
    log_in(client, head)
    text = client.get(reverse("oversight:flag_list")).text
    assert "甲本科" in text and "乙他科" not in text
    assert client.get(reverse("oversight:decision_create", args=[other.pk])).status_code == 404
    assert client.get(reverse("oversight:decision_create", args=[own.pk])).status_code == 403
    assert client.post(reverse("oversight:flag_recheck")).status_code == 403


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("oversight:flag_list"), reverse("dashboard:age_ladder"), reverse("oversight:flagrule_list")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_queue_query_count_is_flat(client, staff, django_assert_max_num_queries):
    for _ in range(3):
        flagged(staff)
    log_in(client, staff)
    client.get(reverse("oversight:flag_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("oversight:flag_list"))
    for _ in range(20):
        flagged(staff)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("oversight:flag_list"))
    assert len(many) == len(few)


def test_age_ladder_counts_the_team_per_band(client, staff):
    young = member(level="51")
    Cadre.objects.filter(pk=young.pk).update(birth_date=dt.date(1995, 3, 1))  # 31 on the day
    older = member(level="52")
    Cadre.objects.filter(pk=older.pk).update(birth_date=dt.date(1970, 3, 1))  # 56
    CadreFactory()  # no post: not in the team
    log_in(client, staff)
    response = client.get(reverse("dashboard:age_ladder") + "?as_of=2026-12-01")
    rows = {row.band: (row.zheng, row.fu) for row in response.context["rows"]}
    assert rows["31—35岁"] == (1, 0) and rows["56岁及以上"] == (0, 1)
    assert response.context["total"] == 2


def test_rule_page_changes_a_rule(client, staff):
    log_in(client, staff)
    target = rule("basic_repeated")
    response = client.post(reverse("oversight:flagrule_update", args=[target.pk]),
                           {"active": "on", "times": 3, "window": 3, "threshold": "", "note": "三年三次"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.times, target.note) == (3, "三年三次")
    assert AuditEvent.objects.filter(object_type="oversight.flagrule", event="update").count() == 1


def poor(cadre, year, quarter, *, state="confirmed", grade_value="poor"):
    from oversight.models import QuarterlyGrade, QuarterlyReview

    review, _ = QuarterlyReview.objects.get_or_create(department=cadre.department, year=year, quarter=quarter,
                                                      defaults={"state": state})
    return QuarterlyGrade.objects.create(review=review, cadre=cadre, grade=grade_value)


def test_poor_in_two_quarters_running_flags(staff):
    running, apart, unconfirmed = member(), member(), member()
    poor(running, 2025, 4), poor(running, 2026, 1)  # across the year's end
    poor(apart, 2026, 1), poor(apart, 2026, 3)
    poor(unconfirmed, 2026, 2, state="submitted"), poor(unconfirmed, 2026, 3, state="submitted")
    assert raised(staff) == {(running.pk, "poor_quarters", "2025Q4,2026Q1")}
    assert AdjustmentFlag.objects.get().evidence == "2025年第4季度、2026年第1季度平时考核较差"


def test_a_third_poor_quarter_is_a_new_basis(staff):
    cadre = member()
    poor(cadre, 2026, 1), poor(cadre, 2026, 2)
    assert len(raised(staff)) == 1
    poor(cadre, 2026, 3)
    assert raised(staff) == {(cadre.pk, "poor_quarters", "2026Q2,2026Q3")}


def test_net_negative_points_last_year_flag(staff):
    from oversight.models import PointEntry, PointRule

    minus, plus, none = member(), member(), member()
    penalty = PointRule.objects.filter(points__lt=0).order_by("points").first()
    bonus = PointRule.objects.filter(points__gt=0).first()
    for cadre, rule_row in ((minus, penalty), (plus, bonus), (plus, penalty)):
        PointEntry.objects.create(cadre=cadre, rule=rule_row, occurred_on=dt.date(2025, 6, 1),
                                  points=rule_row.points, valid_until=dt.date(2027, 6, 1), state="approved",
                                  entered_by=staff)
    net = {minus.pk: penalty.points, plus.pk: bonus.points + penalty.points}
    flagged_ids = {cadre_id for cadre_id, code, _ in raised(staff)}
    assert flagged_ids == {pk for pk, total in net.items() if total < 0}
    assert minus.pk in flagged_ids and none.pk not in flagged_ids
    assert AdjustmentFlag.objects.get(cadre=minus).evidence == f"2025年度积分{number(penalty.points)}分（低于0分）"
