"""The dashboard pages: anonymous, without permission, in scope and bureau-wide; query counts pinned;
drill-downs that match the stored figures; recomputing with its status fragment; the targets page.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadre_office.dashboard import forms as dashboard_forms
from cadre_office.dashboard import plans as plan_services
from cadre_office.dashboard.models import Figure, Plan, RecomputeJob, Snapshot, Target
from cadre_office.dashboard.services import plan_for, snapshot_compute
from tests.dashboard.worlds import FU, ZHENG, office_and_finance
from tests.factories import (
    DepartmentFactory,
    log_in,
    role_user,
    section_cadre,
)

pytestmark = pytest.mark.django_db

D1, D2 = dt.date(2026, 3, 31), dt.date(2026, 6, 30)


@pytest.fixture
def eager():
    """Run Celery tasks in-process, whatever the shared test settings say."""
    from cadre_office.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def world(db):
    """办公室 (with 档案组 under it) and 财务科, section cadres in each, snapshots on D1 and D2."""
    return office_and_finance(snapshots_before=(D1,), snapshot_after=D2)


def index(**query):
    return reverse("dashboard:index") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def drilldown(code, part, as_of=D2):
    return reverse("dashboard:drilldown", args=[code, part]) + f"?as_of={as_of:%Y-%m-%d}"


def cards(response):
    return {card.code: card for card in response.context["dash"].cards}


# --- who may come in ------------------------------------------------------------------------------

READ_URLS = [
    ("index", lambda: index()),
    ("trend", lambda: reverse("dashboard:trend", args=["female"])),
    ("drilldown", lambda: drilldown("female", "numerator")),
]
WRITE_URLS = [
    ("targets", "get", lambda: reverse("dashboard:targets")),
    ("plan_create", "get", lambda: reverse("dashboard:plan_create")),
    ("recompute", "post", lambda: reverse("dashboard:recompute")),
    ("plan_update", "post", lambda: reverse("dashboard:plan_update", args=[plan_for(D2).pk])),
    ("job_status", "get", lambda: reverse("dashboard:job_status", args=[1])),
]


@pytest.mark.parametrize(("name", "url"), READ_URLS, ids=[n for n, _ in READ_URLS])
def test_anonymous_visitors_are_sent_to_login(client, world, name, url):
    response = client.get(url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["纪检监察", "系统管理员", "安全管理员", "审计管理员"])
@pytest.mark.parametrize(("name", "url"), READ_URLS, ids=[n for n, _ in READ_URLS])
def test_roles_without_the_dashboard_are_refused(client, world, role, name, url):
    log_in(client, world["users"][role])
    assert client.get(url()).status_code == 403


@pytest.mark.parametrize("role", ["局领导", "科室负责人", "纪检监察"])
@pytest.mark.parametrize(("name", "method", "url"), WRITE_URLS, ids=[n for n, _, _ in WRITE_URLS])
def test_only_personnel_staff_recompute_and_maintain_the_plan(client, world, role, name, method, url):
    log_in(client, world["users"][role])
    assert getattr(client, method)(url()).status_code == 403
    assert not RecomputeJob.objects.exists()


def test_the_dashboard_is_in_the_navigation_of_its_readers_only(client, world):
    log_in(client, world["users"]["局领导"])
    html = client.get(reverse("cadres:cadre_list")).content.decode()
    assert "结构看板" in html and reverse("dashboard:index") in html and reverse("dashboard:targets") not in html
    log_in(client, world["users"]["纪检监察"])
    assert reverse("dashboard:index") not in client.get(reverse("cadres:cadre_list")).content.decode()


# --- what each reader sees --------------------------------------------------------------------------


def test_a_leader_reads_the_bureau_figures_of_the_latest_snapshot(client, world):
    log_in(client, world["users"]["局领导"])
    response = client.get(index())
    assert response.status_code == 200
    dash = response.context["dash"]
    assert dash.snapshot.as_of == D2 and dash.dates == [D2, D1] and dash.scope.label == "全局"
    snapshot = Snapshot.objects.get(as_of=D2)
    for code, card in cards(response).items():
        row = Figure.objects.get(snapshot=snapshot, department=None, code=code)
        assert (card.numerator, card.denominator) == (row.numerator, row.denominator), code
    html = response.content.decode()
    female = cards(response)["female"]
    assert (female.numerator, female.denominator, female.value_display) == (2, 6, "33.3%")
    assert "33.3%" in html and "全局" in html and "科级干部队伍建设三年实施意见" in html
    assert "重新计算" not in html  # leaders read; they do not recompute


def test_a_department_head_reads_the_sums_of_their_departments(client, world):
    log_in(client, world["users"]["科室负责人"])
    response = client.get(index())
    dash = response.context["dash"]
    assert dash.scope.label == "办公室"
    snapshot = Snapshot.objects.get(as_of=D2)
    own = [world["office"].pk, world["archive"].pk]
    for code, card in cards(response).items():
        rows = Figure.objects.filter(snapshot=snapshot, code=code, department_id__in=own)
        assert card.numerator == sum(r.numerator for r in rows), code
        if card.is_ratio:
            assert card.denominator == sum(r.denominator for r in rows), code
    assert (cards(response)["fk_under40"].numerator, cards(response)["fk_under40"].denominator) == (1, 2)
    assert "所辖单位" in response.content.decode()


def test_an_earlier_snapshot_is_chosen_by_date_and_a_missing_date_is_said_so(client, world):
    log_in(client, world["users"]["局领导"])
    response = client.get(index(as_of="2026-03-31"))
    assert response.context["dash"].snapshot.as_of == D1
    assert cards(response)["female"].denominator == 5
    response = client.get(index(as_of="2026-04-15"))
    assert response.context["dash"].snapshot.as_of == D2
    assert "2026-04-15 没有保存的统计数据" in response.content.decode()
    assert client.get(index(as_of="not-a-date")).status_code == 200


def test_zero_denominator_reads_no_data_never_zero_percent(client, db):
    section_cadre(FU, birth=dt.date(1970, 1, 1))
    snapshot_compute(as_of=D2)
    log_in(client, role_user("局领导"))
    response = client.get(index())
    card = cards(response)["zk_under40"]
    assert card.value_display == "暂无数据"
    block = _card_html(response, "zk_under40")
    assert "暂无数据" in block and "0.0%" not in block


def _card_html(response, code) -> str:
    html = response.content.decode()
    start = html.index(f'data-testid="target-{code}"')
    return html[start:html.index("</section>", start)]


def test_cards_show_goal_gap_ageing_out_and_trend(client, db):
    # zk_under40 on D2 = 2026-06-30: 1 of 4 正科 under 40 (goal 35%: 0.35 × 4 = 1.4 → 1 more), and that
    # one turns 41 before 2027-12-31, the plan's end.
    section_cadre(ZHENG, birth=dt.date(1986, 7, 1), name="将超龄")
    for year in (1970, 1971, 1972):
        section_cadre(ZHENG, birth=dt.date(year, 1, 1))
    snapshot_compute(as_of=D1)
    snapshot_compute(as_of=D2)
    log_in(client, role_user("局领导"))
    block = _card_html(client.get(index()), "zk_under40")
    assert re.search(r'data-testid="value">25\.0%', block)
    assert 'data-testid="goal">35%' in block and 'data-testid="gap">1<' in block
    assert "未达标" in block
    assert 'data-testid="aging-out"' in block and ">1</a>" in block and 'data-testid="forecast">0.0%' in block
    assert drilldown("zk_under40", "aging_out").replace("&", "&amp;") in block
    assert 'data-chart="' in block and "&quot;goal&quot;: 35.0" in block
    assert 'data-progress="71"' in block  # 25% of a 35% goal


def test_no_snapshot_yet_tells_each_reader_what_happens_next(client, db):
    log_in(client, role_user("人事干部"))
    html = client.get(index()).content.decode()
    assert "尚未计算，请点击重新计算" in html and 'data-testid="recompute"' in html
    log_in(client, role_user("局领导"))
    html = client.get(index()).content.decode()
    assert "尚未生成统计数据" in html and "重新计算" not in html


def test_without_any_plan_the_page_says_so(client, db):
    Plan.objects.all().delete()
    log_in(client, role_user("局领导"))
    assert "尚未设置实施意见" in client.get(index()).content.decode()


# --- trends -----------------------------------------------------------------------------------------


def test_the_trend_lists_every_stored_date_as_a_page_and_as_a_modal_fragment(client, world):
    log_in(client, world["users"]["局领导"])
    url = reverse("dashboard:trend", args=["female"])
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert [(p.as_of, p.numerator, p.denominator) for p in page.context["points"]] == [(D2, 2, 6), (D1, 1, 5)]
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'data-testid="trend-modal"' in fragment
    assert "2026-06-30" in fragment and "33.3%" in fragment and "20.0%" in fragment
    assert client.get(reverse("dashboard:trend", args=["nonsense"])).status_code == 404


# --- drill-downs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["局领导", "科室负责人"])
def test_drilldown_counts_equal_the_stored_figures_for_the_readers_scope(client, world, role):
    user = world["users"][role]
    log_in(client, user)
    figures = cards(client.get(index()))
    for code, card in figures.items():
        listed = client.get(drilldown(code, "numerator")).context["paginator"].count
        assert listed == card.numerator, (code, "numerator")
        if card.is_ratio:
            listed = client.get(drilldown(code, "denominator")).context["paginator"].count
            assert listed == card.denominator, (code, "denominator")


def test_a_department_heads_drilldown_lists_only_their_cadres(client, world):
    log_in(client, world["users"]["科室负责人"])
    response = client.get(drilldown("fk_under40", "denominator"))
    assert [c.name for c in response.context["cadres"]] == ["办公副科", "档案副科"]
    html = response.content.decode()
    assert "财务" not in html.split("<main", 1)[1]
    assert 'data-testid="result-count">2<' in html


def test_drilldown_rows_show_age_on_the_date_level_and_a_masked_id(client, world):
    log_in(client, world["users"]["人事干部"])
    response = client.get(drilldown("zk_under40", "numerator"))
    (cadre,) = response.context["cadres"]
    html = response.content.decode()
    assert cadre.name == "办公正科" and "乡科级正职" in html and "大学本科" in html
    assert "<td class=\"num\">38</td>" in html  # born 1988-01-01: 38 on 2026-06-30
    assert cadre.id_number not in html and cadre.masked_id_number in html
    assert reverse("cadres:cadre_detail", args=[cadre.pk]) in html


def test_the_ageing_out_list_shows_the_age_at_the_plans_end(client, db):
    section_cadre(ZHENG, birth=dt.date(1986, 12, 31), name="期末满41")
    section_cadre(ZHENG, birth=dt.date(1987, 1, 1), name="期末次日满41")
    snapshot_compute(as_of=D2)
    log_in(client, role_user("局领导"))
    response = client.get(drilldown("zk_under40", "aging_out"))
    assert [c.name for c in response.context["cadres"]] == ["期末满41"]
    assert "期末年龄" in response.content.decode()


@pytest.mark.parametrize(("code", "part"), [
    ("nonsense", "numerator"), ("female", "nonsense"), ("female", "aging_out"),
    ("fk_total", "denominator"), ("zk_around30", "aging_out"),
])
def test_drilldowns_that_do_not_exist_are_not_found(client, world, code, part):
    log_in(client, world["users"]["局领导"])
    assert client.get(drilldown(code, part)).status_code == 404


def test_a_drilldown_after_a_roster_change_warns_that_it_differs_from_the_stored_figure(client, world):
    section_cadre(FU, department=world["finance"], birth=dt.date(1995, 1, 1), gender="2", name="后来者")
    log_in(client, world["users"]["局领导"])
    response = client.get(drilldown("female", "numerator"))
    assert response.context["count"] == 3 and response.context["stored_count"] == 2
    assert "不一致" in response.content.decode()


# --- query counts -----------------------------------------------------------------------------------


def _grow(snapshots: int, departments: int, cadres: int, parent=None) -> None:
    depts = [DepartmentFactory(parent=parent) for _ in range(departments)]
    for i in range(cadres):
        section_cadre(ZHENG if i % 3 == 0 else FU, department=depts[i % departments],
                      birth=dt.date(1970 + i % 30, 1 + i % 12, 1), bachelor=i % 2 == 0, gender=str(1 + i % 2))
    for n in range(snapshots):
        snapshot_compute(as_of=dt.date(2026, 1, 1) + dt.timedelta(days=7 * n))


# 局领导 confirm account changes: the nav's count of requests awaiting them is one more query.
@pytest.mark.parametrize(("role", "expected"), [("局领导", 15), ("人事干部", 14), ("科室负责人", 14)])
def test_the_page_costs_the_same_queries_whatever_the_snapshots_departments_and_cadres(
        client, django_assert_num_queries, role, expected):
    granted = DepartmentFactory(name="授权单位")
    user = role_user(role, departments=[granted] if role == "科室负责人" else ())
    log_in(client, user)
    _grow(1, 1, 3, parent=granted)
    # Session, user, OTP device, user and group permissions, the top bar's roles; the plan, its
    # snapshots, its targets, every stored figure of the plan for the scope (one grouped query, the
    # ageing-out counts included); the scope's departments (department heads), the nav's selection
    # inbox count (leaders, who decide gates) or the user's pending
    # recompute (personnel staff); the session's save (savepoint, update, release).
    with django_assert_num_queries(expected):
        small = client.get(index())
    _grow(12, 15, 90, parent=granted)
    _grow(0, 10, 40)
    with django_assert_num_queries(expected):
        large = client.get(index())
    assert len(small.context["dash"].dates) == 1 and len(large.context["dash"].dates) == 12
    assert sum(c.numerator for c in large.context["dash"].cards) > sum(c.numerator for c in small.context["dash"].cards)


@pytest.mark.parametrize("role", ["局领导", "科室负责人"])
def test_the_drilldown_costs_the_same_queries_whatever_the_rows(client, django_assert_num_queries, role):
    granted = DepartmentFactory(name="授权单位")
    user = role_user(role, departments=[granted] if role == "科室负责人" else ())
    log_in(client, user)
    _grow(1, 2, 6, parent=granted)
    url = reverse("dashboard:drilldown", args=["fk_under40", "denominator"])
    # 局领导 also decide selection gates and confirm account changes: the nav's inbox count and its
    # count of requests awaiting confirmation add a query each to their pages.
    expected = 18 if role == "局领导" else 17
    # Session, user, OTP device, user and group permissions; the plan, its targets, the latest
    # snapshot's date; the count and the page of cadres (each with its department and the level it
    # held that day), their education; the stored figure to compare with, the scope's departments
    # (department heads) or the inbox count (leaders); the top bar's roles; the session's save
    # (savepoint, update, release). The user's scope is a subquery of the count and the page.
    with django_assert_num_queries(expected):
        small = client.get(url)
    _grow(0, 5, 180, parent=granted)
    with django_assert_num_queries(expected):
        large = client.get(url)
    assert small.context["paginator"].count < large.context["paginator"].count
    assert len(large.context["cadres"]) == 100  # a page


# --- recomputing ------------------------------------------------------------------------------------


def test_the_recompute_button_queues_a_job_that_computes_the_date(client, world, eager,
                                                                  django_capture_on_commit_callbacks):
    staff = world["users"]["人事干部"]
    log_in(client, staff)
    day = dt.date.today() - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:recompute"), {"as_of": f"{day:%Y-%m-%d}"})
    job = RecomputeJob.objects.get()
    assert response.status_code == 302 and response["Location"] == index(as_of=f"{day:%Y-%m-%d}", job=job.pk)
    assert (job.as_of, job.requested_by, job.state) == (day, staff, RecomputeJob.State.DONE)
    assert Snapshot.objects.filter(as_of=day, source="page").exists()

    page = client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in page and "已重新计算" in page and "every 1s" not in page

    fragment = client.get(reverse("dashboard:job_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'data-state="done"' in fragment.content.decode()
    assert fragment["HX-Redirect"] == index(as_of=f"{day:%Y-%m-%d}")


def test_with_htmx_the_page_polls_the_status_every_second_until_done(client, world, eager,
                                                                    django_capture_on_commit_callbacks):
    log_in(client, world["users"]["人事干部"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard:recompute"), {"as_of": "2026-06-30"}, HTTP_HX_REQUEST="true")
        # The task only runs once the request's transaction commits: the fragment shows it queued.
        html = response.content.decode()
        assert 'data-state="queued"' in html and 'hx-trigger="every 1s"' in html and "HX-Redirect" not in response
    job = RecomputeJob.objects.get()
    assert f'hx-get="{reverse("dashboard:job_status", args=[job.pk])}"' in html
    poll = client.get(reverse("dashboard:job_status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "every 1s" not in poll.content.decode() and poll["HX-Redirect"] == index(as_of="2026-06-30")


def test_a_running_or_failed_job_shows_its_state(client, world):
    staff = world["users"]["人事干部"]
    log_in(client, staff)
    running = RecomputeJob.objects.create(as_of=D2, requested_by=staff, state=RecomputeJob.State.RUNNING)
    page = client.get(index()).content.decode()  # the user's pending job is followed without ?job=
    assert 'data-state="running"' in page and "计算中" in page and "every 1s" in page
    RecomputeJob.objects.filter(pk=running.pk).update(state=RecomputeJob.State.FAILED, error="boom")
    fragment = client.get(reverse("dashboard:job_status", args=[running.pk]), HTTP_HX_REQUEST="true")
    assert "计算失败" in fragment.content.decode() and "HX-Redirect" not in fragment
    assert "every 1s" not in fragment.content.decode()


def test_a_job_lost_past_its_timeout_shows_as_failed_and_the_page_stops_polling(client, world):
    """Issue 10 item 12: a lost job stayed 排队中 for ever, polled every second."""
    from django.utils import timezone

    from cadre_office.jobs import JOB_TIMED_OUT

    staff = world["users"]["人事干部"]
    log_in(client, staff)
    job = RecomputeJob.objects.create(as_of=D2, requested_by=staff)
    RecomputeJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=9))
    assert "every 1s" in client.get(reverse("dashboard:job_status", args=[job.pk]), HTTP_HX_REQUEST="true").text
    RecomputeJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=11))
    fragment = client.get(reverse("dashboard:job_status", args=[job.pk]), HTTP_HX_REQUEST="true").text
    assert 'data-state="failed"' in fragment and JOB_TIMED_OUT in fragment and "every 1s" not in fragment
    job.refresh_from_db()
    assert (job.state, job.error) == (RecomputeJob.State.FAILED, JOB_TIMED_OUT)

    other = RecomputeJob.objects.create(as_of=D1, requested_by=staff)  # the page itself notices too
    RecomputeJob.objects.filter(pk=other.pk).update(requested_at=timezone.now() - dt.timedelta(minutes=12))
    page = client.get(index()).text
    assert 'data-state="failed"' in page and "every 1s" not in page
    assert RecomputeJob.objects.get(pk=other.pk).state == RecomputeJob.State.FAILED


def test_a_plain_request_for_the_status_goes_back_to_the_page(client, world):
    staff = world["users"]["人事干部"]
    log_in(client, staff)
    job = RecomputeJob.objects.create(as_of=D2, requested_by=staff)
    response = client.get(reverse("dashboard:job_status", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == index(as_of="2026-06-30", job=job.pk)


def test_a_future_date_is_refused_and_queues_nothing(client, world):
    log_in(client, world["users"]["人事干部"])
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = client.post(reverse("dashboard:recompute"), {"as_of": f"{tomorrow:%Y-%m-%d}"}, follow=True)
    assert dashboard_forms.AS_OF_IN_FUTURE in response.content.decode()
    response = client.post(reverse("dashboard:recompute"), {"as_of": "x"}, HTTP_HX_REQUEST="true")
    assert "alert-danger" in response.content.decode()
    assert not RecomputeJob.objects.exists()


def test_the_recompute_form_needs_its_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    log_in(client, world["users"]["人事干部"])
    assert client.post(reverse("dashboard:recompute"), {"as_of": "2026-06-30"}).status_code == 403
    assert not RecomputeJob.objects.exists()


# --- the targets page -------------------------------------------------------------------------------


def _targets_post(plan: Plan, **changes) -> dict:
    data = {}
    for target in plan.targets.all():
        goal = "" if target.goal is None else (
            f"{(target.goal * 100).normalize():f}" if target.kind == "ratio" else str(int(target.goal)))
        data[f"t{target.pk}-goal"] = goal
        data[f"t{target.pk}-age_max"] = "" if target.age_max is None else str(target.age_max)
    for key, value in changes.items():
        code, field = key.rsplit("__", 1)
        data[f"t{plan.targets.get(code=code).pk}-{field}"] = value
    return data


def test_the_targets_page_shows_ratio_goals_in_percent(client, world):
    log_in(client, world["users"]["人事干部"])
    response = client.get(reverse("dashboard:targets"))
    html = response.content.decode()
    zk = plan_for(D2).targets.get(code="zk_under40")
    assert f'name="t{zk.pk}-goal" value="35"' in html and f'name="t{zk.pk}-age_max" value="40"' in html
    female = plan_for(D2).targets.get(code="female")
    assert f'name="t{female.pk}-age_max"' not in html  # no age bound to edit


def test_changing_a_goal_goes_through_the_service_with_history_and_audit(client, world):
    staff = world["users"]["人事干部"]
    log_in(client, staff)
    plan = plan_for(D2)
    before = AuditEvent.objects.count()
    response = client.post(f"{reverse('dashboard:targets')}?plan={plan.pk}",
                           _targets_post(plan, zk_under40__goal="40.5", fk_total__goal="120",
                                         zk_around30__age_max="33"))
    assert response.status_code == 302
    targets = {t.code: t for t in plan.targets.all()}
    assert targets["zk_under40"].goal == Decimal("0.405")
    assert targets["fk_total"].goal == 120 and targets["zk_around30"].age_max == 33
    assert targets["female"].goal == Decimal("0.25")  # untouched
    assert AuditEvent.objects.count() == before + 3  # one per changed target, none for the others
    record = targets["zk_under40"].history.first()
    assert record.history_user == staff and record.history_change_reason == "修改结构目标"
    page = client.get(response["Location"]).content.decode()
    assert "结构目标已保存" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("zk_under40__goal", "120", dashboard_forms.RATIO_GOAL_RANGE),
    ("zk_under40__age_max", "12", dashboard_forms.AGE_RANGE),
    ("fk_total__goal", "3.5", dashboard_forms.COUNT_GOAL_WHOLE),
    ("fk_total__goal", "-1", dashboard_forms.COUNT_GOAL_WHOLE),
    ("fk_under40__goal", "abc", "输入一个数字"),
])
def test_invalid_goals_are_shown_and_nothing_is_saved(client, world, field, value, message):
    log_in(client, world["users"]["人事干部"])
    plan = plan_for(D2)
    response = client.post(f"{reverse('dashboard:targets')}?plan={plan.pk}",
                           _targets_post(plan, female__goal="30", **{field: value}))
    assert response.status_code == 200 and message in response.content.decode()
    assert plan.targets.get(code="female").goal == Decimal("0.25")


def test_a_goal_the_model_refuses_rolls_back_every_change(world):
    plan = plan_for(D2)
    female, fk_total = plan.targets.get(code="female"), plan.targets.get(code="fk_total")
    with pytest.raises(plan_services.TargetsInvalid) as error:
        plan_services.targets_update(actor=world["users"]["人事干部"], changes=[
            (female, Decimal("0.3"), None), (fk_total, Decimal("2.5"), None)])
    assert set(error.value.by_target) == {fk_total.pk}
    assert plan.targets.get(code="female").goal == Decimal("0.25")


def test_the_plan_period_is_edited_with_its_errors_shown(client, world):
    log_in(client, world["users"]["人事干部"])
    plan = plan_for(D2)
    url = reverse("dashboard:plan_update", args=[plan.pk])
    response = client.post(url, {"name": plan.name, "start_date": "2025-01-01", "end_date": "2024-12-31"})
    assert response.status_code == 200 and plan_services.PLAN_ENDS_BEFORE_START in response.content.decode()
    before = AuditEvent.objects.count()
    response = client.post(url, {"name": plan.name, "start_date": "2025-01-01", "end_date": "2028-06-30"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == dt.date(2028, 6, 30) and AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").detail["to"]["end_date"] == "2028-06-30"


def test_a_new_plan_copies_the_current_plans_targets(client, world):
    staff = world["users"]["人事干部"]
    log_in(client, staff)
    current = plan_for(dt.date.today())
    form = client.get(reverse("dashboard:plan_create")).content.decode()
    assert current.name in form and 'value="2028-01-01"' in form and 'value="2030-12-31"' in form
    response = client.post(reverse("dashboard:plan_create"), {
        "name": "2028—2030年实施意见", "start_date": "2028-01-01", "end_date": "2030-12-31"})
    new = Plan.objects.get(name="2028—2030年实施意见")
    assert response.status_code == 302 and response["Location"].endswith(f"?plan={new.pk}")
    copied = list(new.targets.values_list("code", "goal", "age_max", "sort_order"))
    assert copied == list(current.targets.values_list("code", "goal", "age_max", "sort_order"))
    assert len(copied) == 9 and new.history.first().history_user == staff
    event = AuditEvent.objects.latest("id")
    assert (event.event, event.detail["copied_from"], event.detail["targets"]) == ("create", current.pk, 9)
    page = client.get(response["Location"]).content.decode()
    assert "2028—2030年实施意见" in page and f'<option value="{new.pk}" selected' in page


def test_a_new_plan_needs_a_name_and_a_sound_period(client, world):
    log_in(client, world["users"]["人事干部"])
    response = client.post(reverse("dashboard:plan_create"), {"name": "", "start_date": "2028-01-01",
                                                               "end_date": "2027-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert plan_services.PLAN_ENDS_BEFORE_START in html and "这个字段是必填项" in html
    assert Plan.objects.count() == 1 and Target.objects.count() == 9


@pytest.mark.parametrize("role", ["局领导", "科室负责人"])
def test_the_page_reads_stored_figures_and_never_counts_cadres(client, role):
    """Not accepted: a dashboard computed on every page view. No query of the page touches the roster."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    granted = DepartmentFactory(name="授权单位")
    log_in(client, role_user(role, departments=[granted] if role == "科室负责人" else ()))
    _grow(2, 2, 6, parent=granted)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(index()).status_code == 200
    touching = [q["sql"] for q in queries.captured_queries
                if any(table in q["sql"] for table in ("cadres_cadre", "cadres_postassignment", "cadres_education"))]
    assert touching == []
