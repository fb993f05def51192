"""年轻干部选育: rounds, eligibility, nominations, the leaders' review gate, the pool and leaving it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from cadre_office.desk import tasks_for
from cadres import timeline
from oversight.models import AnnualAppraisal
from oversight.services import adjustments as oversight_services
from tests.factories import CadreFactory, DepartmentFactory, EducationFactory, PostFactory, role_user
from training.models import Nomination, PoolMember, TrainingSettings, YoungCadreRound
from training.selectors import young as selectors
from training.services import young as services

pytestmark = pytest.mark.django_db

YEAR = 2026
TODAY = dt.date(2026, 10, 15)


def snapshot():
    """Everything a refused call must leave as it was."""
    return (list(YoungCadreRound.objects.values_list("pk", "state", "quota").order_by("pk")),
            list(Nomination.objects.values_list("pk", "state", "decided_by", "decision_reason").order_by("pk")),
            list(PoolMember.objects.values_list("pk", "cadre", "state", "left_on").order_by("pk")))


def refused(call, message):
    """Assert ``call`` raises a ValidationError with exactly ``message`` and changes nothing."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == [message]
    assert snapshot() == before


@pytest.fixture
def w(db):
    office = DepartmentFactory(name="办公室")
    finance = DepartmentFactory(name="财务科")
    staff = role_user(Role.PERSONNEL, username="staff", first_name="人事甲")
    return {
        "office": office, "finance": finance, "staff": staff,
        "staff2": role_user(Role.PERSONNEL, username="staff2"),
        "leader": role_user(Role.LEADER, username="leader", first_name="王局长"),
        "leader2": role_user(Role.LEADER, username="leader2", first_name="李副局长"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "round": services.round_create(actor=staff, round_=YoungCadreRound(
            year=YEAR, name="2026年度年轻干部选育", quota=2, age_limit=35, min_education="bachelor",
            nomination_deadline=dt.date(2026, 10, 31))),
    }


def young(department, name, *, birth=dt.date(1995, 3, 1), level="21"):
    cadre = CadreFactory(department=department, name=name, birth_date=birth)
    if level:
        EducationFactory(cadre=cadre, level=level)
    return cadre


def nominate(w, cadre, *, by="staff", kind="recommended", **kwargs):
    values = {"reason": "政治素质好，综合协调能力强", "recommender": "办公室党支部", "today": TODAY} | kwargs
    return services.nomination_create(actor=w[by], round_=w["round"], cadre=cadre, kind=kind, **values)


def to_review(w):
    return services.round_advance(actor=w["staff"], round_=w["round"], to="review")


# --- rounds -------------------------------------------------------------------------------------------


def test_round_defaults_come_from_the_settings():
    TrainingSettings.objects.create(pk=1, young_age_limit=32, young_min_education="postgraduate")
    defaults = services.round_defaults(today=dt.date(2027, 3, 1))
    assert (defaults["year"], defaults["age_limit"], defaults["min_education"]) == (2027, 32, "postgraduate")
    assert defaults["name"] == "2027年度年轻干部选育"


def test_round_goes_open_review_closed_and_refuses_a_wrong_step(w):
    refused(lambda: services.round_advance(actor=w["staff"], round_=w["round"], to="closed"),
            services.WRONG_ROUND_STATE.format(state="推荐中", action="结束本年度选育"))
    assert to_review(w).state == "review"
    refused(lambda: to_review(w), services.WRONG_ROUND_STATE.format(state="审批中", action="结束推荐、提交审批"))
    assert services.round_advance(actor=w["staff"], round_=w["round"], to="closed").state == "closed"
    assert w["round"].history.first().history_change_reason == "结束本年度选育"


def test_a_round_with_pending_nominations_does_not_close(w):
    nominate(w, young(w["office"], "张晓明"))
    to_review(w)
    refused(lambda: services.round_advance(actor=w["staff"], round_=w["round"], to="closed"),
            services.PENDING_LEFT.format(count=1))


def test_a_leader_cannot_manage_rounds(w):
    refused(lambda: services.round_advance(actor=w["leader"], round_=w["round"], to="review"),
            services.CANNOT_MANAGE_ROUNDS)


# --- eligibility and nominations ----------------------------------------------------------------------


def test_age_counts_on_31_december_of_the_round_year(w):
    # Born 1 January 1991: 35 on 31 December 2026, eligible; born 31 December 1990: 36, refused.
    ok = young(w["office"], "边界甲", birth=dt.date(1991, 1, 1))
    old = young(w["office"], "边界乙", birth=dt.date(1990, 12, 31))
    assert nominate(w, ok).state == "pending"
    refused(lambda: nominate(w, old), services.TOO_OLD.format(name="边界乙", age=36, day="2026-12-31", limit=35))
    eligible = {c.name for c in selectors.eligible_queryset(w["staff"], w["round"])}
    assert eligible == {"边界甲"}


def test_education_below_the_round_band_is_refused_and_part_time_education_counts(w):
    college = young(w["office"], "专科丙", level="31")
    refused(lambda: nominate(w, college), services.NOT_EDUCATED.format(name="专科丙", band="大学本科"))
    part_time = young(w["office"], "在职丁", level="31")
    EducationFactory(cadre=part_time, kind="parttime", level="21")
    assert nominate(w, part_time).cadre == part_time
    assert selectors.eligible_queryset(w["staff"], w["round"]).get(pk=part_time.pk).education_label == "大学本科毕业"


def test_a_cadre_out_of_service_is_refused(w):
    cadre = young(w["office"], "离职戊")
    cadre.status = "resigned"
    cadre.save()
    refused(lambda: nominate(w, cadre), services.NOT_IN_SERVICE.format(name="离职戊"))


def test_recommendation_names_the_actor_and_self_recommendation_nobody(w):
    rec = nominate(w, young(w["office"], "推荐甲"))
    assert (rec.recommended_by, rec.created_by, rec.recommender) == (w["staff"], w["staff"], "办公室党支部")
    own = nominate(w, young(w["office"], "自荐乙"), kind="self", recommender="写了也不留",
                   reason="本人陈述：愿到基层锻炼")
    assert (own.kind, own.recommended_by, own.recommender) == ("self", None, "")
    led = nominate(w, young(w["office"], "领导推荐丙"), recommended_by=w["leader"], recommender="王局长")
    assert led.recommended_by == w["leader"] and led.created_by == w["staff"]
    assert AuditEvent.objects.filter(detail__record="年轻干部推荐").count() == 3


def test_once_per_cadre_per_round_and_only_while_open_before_the_deadline(w):
    cadre = young(w["office"], "重复甲")
    nominate(w, cadre)
    refused(lambda: nominate(w, cadre), services.ALREADY_NOMINATED.format(name="重复甲", year=YEAR))
    late = young(w["office"], "迟到乙")
    refused(lambda: nominate(w, late, today=dt.date(2026, 11, 1)), services.PAST_DEADLINE.format(deadline="2026-10-31"))
    assert nominate(w, late, today=dt.date(2026, 10, 31)).state == "pending"  # the deadline day still counts
    to_review(w)
    refused(lambda: nominate(w, young(w["office"], "审批中丙")), services.ROUND_NOT_OPEN.format(state="审批中"))


def test_recommendation_needs_a_recommender_and_a_reason(w):
    cadre = young(w["office"], "空白甲")
    refused(lambda: nominate(w, cadre, recommender=" "), services.RECOMMENDER_REQUIRED)
    refused(lambda: nominate(w, cadre, reason=""), services.REASON_REQUIRED)


def test_a_department_head_nominates_only_their_units_cadres(w):
    own = young(w["office"], "本科室甲")
    other = young(w["finance"], "他科室乙")
    assert nominate(w, own, by="head").created_by == w["head"]
    refused(lambda: nominate(w, other, by="head"), services.NOT_IN_SCOPE)
    assert {c.name for c in selectors.eligible_queryset(w["head"], w["round"])} == {"本科室甲"}
    refused(lambda: nominate(w, other, by="leader"), services.CANNOT_NOMINATE)


def test_a_cadre_already_in_the_pool_is_not_nominated(w):
    cadre = young(w["office"], "在库甲")
    PoolMember.objects.create(cadre=cadre, entered_on=dt.date(2025, 12, 1))
    refused(lambda: nominate(w, cadre), services.ALREADY_IN_POOL.format(name="在库甲"))


def test_withdraw_while_pending_only(w):
    nomination = nominate(w, young(w["office"], "撤回甲"))
    assert services.nomination_withdraw(actor=w["staff"], nomination=nomination).state == "withdrawn"
    refused(lambda: services.nomination_withdraw(actor=w["staff"], nomination=nomination),
            services.NOT_PENDING.format(state="已撤回", action="撤回"))
    by_head = nominate(w, young(w["office"], "撤回乙"), by="head")
    other_head = role_user(Role.DEPARTMENT_HEAD, username="head2", departments=[w["office"]])
    refused(lambda: services.nomination_withdraw(actor=other_head, nomination=by_head), services.CANNOT_WITHDRAW)


# --- the review gate ----------------------------------------------------------------------------------


def test_approval_puts_the_cadre_in_the_pool_on_the_decision_date(w):
    nomination = nominate(w, young(w["office"], "同意甲"))
    to_review(w)
    services.nomination_approve(actor=w["leader"], nomination=nomination, reason="同意")
    nomination.refresh_from_db()
    assert (nomination.state, nomination.decided_by, nomination.decision_reason) == ("approved", w["leader"], "同意")
    member = PoolMember.objects.get(cadre=nomination.cadre)
    assert (member.kind, member.state, member.nomination, member.entered_on) == (
        "reserve", "active", nomination, timezone.localdate())
    assert member.history.first().history_user == w["leader"]
    assert selectors.pool_member_for(nomination.cadre) == member


def test_one_decision_per_nomination(w):
    nomination = nominate(w, young(w["office"], "一次甲"))
    to_review(w)
    services.nomination_approve(actor=w["leader"], nomination=nomination)
    refused(lambda: services.nomination_reject(actor=w["leader2"], nomination=nomination, reason="再议"),
            services.NOT_PENDING.format(state="同意", action="审批"))
    refused(lambda: services.nomination_approve(actor=w["leader2"], nomination=nomination),
            services.NOT_PENDING.format(state="同意", action="审批"))


def test_nobody_decides_a_nomination_they_recommended_or_recorded(w):
    recommended = nominate(w, young(w["office"], "自审甲"), recommended_by=w["leader"], recommender="王局长")
    to_review(w)
    refused(lambda: services.nomination_approve(actor=w["leader"], nomination=recommended), services.OWN_NOMINATION)
    refused(lambda: services.nomination_reject(actor=w["leader"], nomination=recommended, reason="回避"),
            services.OWN_NOMINATION)
    assert services.nomination_approve(actor=w["leader2"], nomination=recommended).state == "approved"
    # Whoever recorded a nomination is kept out too (a leader who also holds the decide permission).
    w["staff"].user_permissions.add(Permission.objects.get(codename="decide_nomination"))
    staff = type(w["staff"]).objects.get(pk=w["staff"].pk)
    other = Nomination.objects.create(round=w["round"], cadre=young(w["office"], "登记乙"), kind="self",
                                      reason="本人陈述", created_by=staff)
    refused(lambda: services.nomination_approve(actor=staff, nomination=other), services.OWN_NOMINATION)


def test_no_decision_before_review_and_none_by_personnel_staff(w):
    nomination = nominate(w, young(w["office"], "未审甲"))
    refused(lambda: services.nomination_approve(actor=w["leader"], nomination=nomination),
            services.NOT_UNDER_REVIEW.format(state="推荐中"))
    to_review(w)
    refused(lambda: services.nomination_approve(actor=w["staff2"], nomination=nomination), services.CANNOT_DECIDE)


def test_approvals_beyond_the_quota_are_refused(w):
    first, second, third = (nominate(w, young(w["office"], name)) for name in ("名额甲", "名额乙", "名额丙"))
    to_review(w)
    services.nomination_approve(actor=w["leader"], nomination=first)
    services.nomination_approve(actor=w["leader"], nomination=second)
    refused(lambda: services.nomination_approve(actor=w["leader"], nomination=third),
            services.QUOTA_FULL.format(quota=2, approved=2))
    # Not approving stays possible, and says why.
    refused(lambda: services.nomination_reject(actor=w["leader"], nomination=third, reason=" "),
            services.DECISION_REASON_REQUIRED)
    assert services.nomination_reject(actor=w["leader"], nomination=third, reason="名额已满").state == "rejected"
    lowered = YoungCadreRound.objects.get(pk=w["round"].pk)
    lowered.quota = 1
    refused(lambda: services.round_update(actor=w["staff"], round_=lowered),
            services.QUOTA_BELOW_APPROVED.format(approved=2))


def test_an_active_member_is_not_approved_again(w):
    cadre = young(w["office"], "已在库甲")
    nomination = nominate(w, cadre)
    PoolMember.objects.create(cadre=cadre, entered_on=dt.date(2026, 10, 20), kind="standby")
    to_review(w)
    refused(lambda: services.nomination_approve(actor=w["leader"], nomination=nomination),
            services.ALREADY_IN_POOL.format(name="已在库甲"))


# --- leaving the pool ---------------------------------------------------------------------------------


def _flagged_member(w, name):
    """A 副科 cadre in the pool with an open 动态管理 flag (不称职 last year)."""
    cadre = young(w["office"], name)
    PostFactory(cadre=cadre, title="副主任", level="52", start_date=dt.date(2022, 1, 1))
    cadre.current_level = "52"
    cadre.save()
    AnnualAppraisal.objects.create(cadre=cadre, year=2025, grade="incompetent")
    oversight_services.flags_raise(actor=w["staff"], day=dt.date(2026, 12, 1))
    member = PoolMember.objects.create(cadre=cadre, entered_on=dt.date(2025, 12, 1))
    return cadre, member


def _decide(w, cadre, outcome, **kwargs):
    day = dt.date(2026, 12, 1)
    return oversight_services.decision_make(actor=w["staff"], cadre=cadre, outcome=outcome, reason="经局党组会议研究",
                                            decided_on=day, effective_date=dt.date(2026, 12, 5), **kwargs)


def test_a_decision_with_pool_exit_takes_the_cadre_out_of_the_pool(w):
    cadre, member = _flagged_member(w, "出库甲")
    decision = _decide(w, cadre, "keep", pool_exit=True)
    member.refresh_from_db()
    assert (member.state, member.left_on, member.decision) == ("left", dt.date(2026, 12, 5), decision)
    assert member.left_reason == "动态管理：保留（经局党组会议研究）"
    assert member.history.first().history_change_reason == "动态管理决定调出后备干部库"
    assert selectors.pool_member_for(cadre) is None


def test_removal_from_the_team_takes_the_cadre_out_of_the_pool(w):
    cadre, member = _flagged_member(w, "调出乙")
    _decide(w, cadre, "remove")
    member.refresh_from_db()
    assert member.state == "left"


def test_a_keep_decision_without_pool_exit_leaves_the_membership(w):
    cadre, member = _flagged_member(w, "保留丙")
    _decide(w, cadre, "keep")
    member.refresh_from_db()
    assert (member.state, member.left_on) == ("active", None)


# --- the round page's figures, the record, the desk ---------------------------------------------------


def test_round_figures_count_the_pool_by_age_band_and_level(w):
    today = dt.date(2026, 12, 2)
    for name, birth, level in [("带甲", dt.date(1997, 1, 1), "52"), ("带乙", dt.date(1993, 6, 1), "51"),
                               ("带丙", dt.date(1989, 6, 1), ""), ("带丁", dt.date(1995, 12, 3), "52")]:
        cadre = young(w["office"], name, birth=birth)
        cadre.current_level = level
        cadre.save()
        PoolMember.objects.create(cadre=cadre, entered_on=dt.date(2026, 1, 1))
    figures = selectors.round_figures(w["staff"], w["round"], today=today)
    rows = {row["label"]: row["cells"] for row in figures["pool_rows"]}
    # 带丁 turns 31 on 3 December: 30 on 2 December, in the ≤30 band with 带甲.
    assert rows["30岁及以下"] == [0, 2, 0] and rows["31—35岁"] == [1, 0, 0] and rows["36—40岁"] == [0, 0, 1]
    assert figures["pool_total"] == 4 and (figures["approved"], figures["left"]) == (0, 2)


def test_the_record_shows_nomination_decision_and_pool_entries(w, django_assert_num_queries):
    nomination = nominate(w, young(w["office"], "记实甲"))
    to_review(w)
    services.nomination_approve(actor=w["leader"], nomination=nomination)
    source = next(s for s in timeline.sources({"training"}) if type(s).__name__ == "YoungCadreSource")
    staff = type(w["staff"]).objects.get(pk=w["staff"].pk)
    staff.has_perm("training.view_nomination")  # the permission cache, filled outside the count
    # Two queries: the cadre's nominations with their rounds, and their pool memberships.
    with django_assert_num_queries(2):
        entries = source.entries(cadre=nomination.cadre, user=staff)
    titles = [entry.title for entry in entries]
    assert titles == ["2026年度年轻干部选育：组织推荐（办公室党支部）",
                      "2026年度年轻干部选育：局领导同意列为年轻干部人选", "列入后备干部库（后备干部）"]


def test_the_desk_counts_what_a_leader_may_decide(w):
    nominate(w, young(w["office"], "待办甲"))
    nominate(w, young(w["office"], "待办乙"), recommended_by=w["leader"], recommender="王局长")
    assert not [t for t in tasks_for(w["leader"], today=TODAY) if t.title == "年轻干部推荐待审批"]  # still open
    to_review(w)
    lines = {t.title: t.count for t in tasks_for(w["leader"], today=TODAY)}
    assert lines["年轻干部推荐待审批"] == 1  # not the one they recommended
    assert {t.title: t.count for t in tasks_for(w["leader2"], today=TODAY)}["年轻干部推荐待审批"] == 2
