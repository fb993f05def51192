"""个人培养计划 pages: anonymous, without permission, out of scope, permitted; the writes through the pages;
the export; the record page's 培养 tab; flat query counts."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.accounts.roles import Role
from cadre_office.audit.models import AuditEvent
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user
from tests.training.factories_plans import PoolMemberFactory, ProgrammeFactory, shortcoming
from training.models import DevelopmentPlan, PlanGoal, PlanItem, PlanReview
from training.selectors.plans import half_label, half_of
from training.services import plans as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    office, finance = DepartmentFactory(name="办公室"), DepartmentFactory(name="财务科")
    world = {
        "office": office, "finance": finance,
        "staff": role_user(Role.PERSONNEL, username="staff", first_name="人事干部甲"),
        "leader": role_user(Role.LEADER, username="leader", first_name="王局长"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", departments=[office]),
        "admin": role_user(Role.SYSTEM_ADMIN, username="sysadmin"),
    }
    world["own"] = PoolMemberFactory(cadre=CadreFactory(department=office, name="本科室甲"))
    world["other"] = PoolMemberFactory(cadre=CadreFactory(department=finance, name="他科室乙"))
    return world


def make_plan(world, which="other", activate=True):
    staff = world["staff"]
    plan = services.plan_create(actor=staff, member=world[which], start_year=2026, end_year=2028,
                                direction="综合管理", extra_gaps=["基层经验不足"])
    services.plan_row_save(actor=staff, row=PlanGoal(plan=plan, text="胜任科室副职", due_year=2027))
    services.plan_row_save(actor=staff, row=PlanItem(plan=plan, kind="training", title="中青班", due_year=2026))
    return services.plan_activate(actor=staff, plan=plan) if activate else plan


def client_for(world, who):
    return log_in(Client(), world[who])


def urls(world, plan):
    member = world["other"]
    gap, goal, item = plan.gaps.get(), plan.goals.get(), plan.items.get()
    return {
        "list": reverse("training:plan_list"),
        "export": reverse("training:plan_export"),
        "create": reverse("training:plan_create", args=[member.pk]),
        "detail": reverse("training:plan_detail", args=[plan.pk]),
        "update": reverse("training:plan_update", args=[plan.pk]),
        "gap": reverse("training:plangap_update", args=[plan.pk, gap.pk]),
        "goal": reverse("training:plangoal_create", args=[plan.pk]),
        "item": reverse("training:planitem_update", args=[plan.pk, item.pk]),
        "review": reverse("training:planreview_create", args=[plan.pk]),
        "goal_edit": reverse("training:plangoal_update", args=[plan.pk, goal.pk]),
    }


def test_anonymous_visitors_are_sent_to_log_in(world):
    plan = make_plan(world)
    for url in urls(world, plan).values():
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_a_system_administrator_is_refused_every_page(world):
    plan = make_plan(world)
    client = client_for(world, "admin")
    for url in urls(world, plan).values():
        assert client.get(url).status_code == 403, url


def test_a_department_head_meets_404_outside_the_unit_and_403_on_writes(world):
    plan = make_plan(world)
    client = client_for(world, "head")
    pages = urls(world, plan)
    assert client.get(pages["detail"]).status_code == 404
    assert AuditEvent.objects.filter(event="access_denied", object_type="training.developmentplan").exists()
    for name in ("create", "update", "gap", "goal", "item", "review"):
        assert client.get(pages[name]).status_code == 403, name
    response = client.get(pages["list"])
    assert response.status_code == 200
    assert "本科室甲" in response.text and "他科室乙" not in response.text
    own = make_plan(world, "own")
    assert client.get(reverse("training:plan_detail", args=[own.pk])).status_code == 200


def test_personnel_staff_open_every_page(world):
    plan = make_plan(world)
    client = client_for(world, "staff")
    pages = urls(world, plan)
    pages["create"] = reverse("training:plan_create", args=[world["own"].pk])
    for name, url in pages.items():
        assert client.get(url).status_code == 200, name


def test_a_leader_reads_and_reviews(world):
    plan = make_plan(world)
    client = client_for(world, "leader")
    pages = urls(world, plan)
    assert client.get(pages["detail"]).status_code == 200
    assert client.get(pages["update"]).status_code == 403
    year, half = half_of(timezone.localdate())
    response = client.post(pages["review"], {"period": f"{year}-{half}", "rating": "good", "progress": "进展顺利",
                                             "next_steps": "到基层锻炼"})
    assert response.status_code == 302
    review = PlanReview.objects.get(plan=plan)
    assert (review.reviewer, review.rating, review.year, review.half) == (world["leader"], "good", year, half)
    response = client.post(pages["review"], {"period": f"{year}-{half}", "rating": "fair", "progress": "再评"})
    assert services.HALF_REVIEWED.format(period=half_label(year, half)) in response.context["form"].non_field_errors()


def test_staff_write_a_plan_through_the_pages(world):
    client = client_for(world, "staff")
    member = world["own"]
    found = shortcoming(member.cadre, "统筹协调能力有待提高")
    form = client.get(reverse("training:plan_create", args=[member.pk])).context["form"]
    assert form["shortcomings"].initial == [found.pk]  # prefilled, ticked
    assert member.cadre not in form.fields["mentor"].queryset
    mentor = CadreFactory(department=world["finance"], name="李副局长")
    response = client.post(reverse("training:plan_create", args=[member.pk]), {
        "start_year": 2026, "end_year": 2028, "direction": "综合管理", "mentor": mentor.pk,
        "mentor_note": "每季度谈心一次", "shortcomings": [found.pk], "extra_gaps": "经济工作经验不足\n"})
    plan = DevelopmentPlan.objects.get(member=member)
    assert response.status_code == 302 and response["Location"] == reverse("training:plan_detail", args=[plan.pk])
    assert [gap.text for gap in plan.gaps.all()] == ["工作实绩：统筹协调能力有待提高", "经济工作经验不足"]

    programme = ProgrammeFactory(name="全区中青年干部培训班", start_date=dt.date(2026, 9, 1),
                                 end_date=dt.date(2026, 9, 30))
    client.post(reverse("training:plangoal_create", args=[plan.pk]), {"text": "胜任科室副职", "due_year": 2027})
    response = client.post(reverse("training:planitem_create", args=[plan.pk]), {
        "kind": "training", "title": "参加中青班", "due_year": 2026, "gap": plan.gaps.first().pk,
        "programme": programme.pk})
    assert response.status_code == 302, response.context["form"].errors
    # A programme in another year: the service's message on the form.
    response = client.post(reverse("training:planitem_create", args=[plan.pk]), {
        "kind": "training", "title": "参加中青班", "due_year": 2027, "programme": programme.pk})
    assert response.status_code == 200
    assert services.PROGRAMME_WRONG_YEAR.format(year=2027) in response.context["form"].errors["programme"]
    client.post(reverse("training:plan_activate", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.state == "active"
    page = client.get(reverse("training:plan_detail", args=[plan.pk]))
    assert "全区中青年干部培训班" in page.text and "李副局长" in page.text and 'data-testid="plan-review"' in page.text
    # Delete a goal, then close.
    goal = plan.goals.get()
    client.post(reverse("training:plangoal_delete", args=[plan.pk, goal.pk]))
    assert not plan.goals.exists()
    client.post(reverse("training:plan_close", args=[plan.pk]), {"reason": ""})
    plan.refresh_from_db()
    assert plan.state == "active"  # refused: no reason
    client.post(reverse("training:plan_close", args=[plan.pk]), {"reason": "培养期满"})
    plan.refresh_from_db()
    assert plan.state == "closed"


def test_the_list_page_and_its_export_cost_the_same_whatever_the_number_of_plans(world):
    client = client_for(world, "staff")
    url = reverse("training:plan_list")
    make_plan(world)
    client.get(url)  # the session settles
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        make_plan(world | {"other": PoolMemberFactory(cadre=CadreFactory(department=world["finance"]))})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["members"]) == 6
    # 12: session, user, OTP device, user and group permissions (5); the count and the page of members with
    # their cadres, units, plans, mentors and progress as subqueries (2); the top bar's roles (1); the filter
    # bar's units (1); the session's save: savepoint, update, release (3).
    assert len(few) == len(many) == 12, "\n".join(q["sql"][:150] for q in many.captured_queries)

    with CaptureQueriesContext(connection) as export_queries:
        response = client.get(reverse("training:plan_export") + "?plan=active")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("姓名", "工作单位", "现任职务") and len(rows) == 2 + 5
    assert AuditEvent.objects.filter(event="export", object_type="training.developmentplan",
                                     detail__rows=5).exists()
    # The members with their plans and progress in one query, whatever the rows; the audit row.
    assert len([q for q in export_queries.captured_queries if "training_poolmember" in q["sql"]]) == 1


def test_a_department_head_exports_their_units_plans_only(world):
    make_plan(world)
    make_plan(world, "own")
    response = client_for(world, "head").get(reverse("training:plan_export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[2:]] == ["本科室甲"]


def test_the_record_page_shows_the_cultivation_tab(world):
    plan = make_plan(world)
    client = client_for(world, "staff")
    response = client.get(reverse("cadres:cadre_detail", args=[plan.cadre_id]))
    tab = next(view for view in response.context["record_tabs"] if view.tab.key == "training")
    assert 'data-testid="cultivation-tab"' in tab.summary and "综合管理" in tab.summary and "0/1" in tab.summary
    assert tab.count == 1  # one pool membership, no training records yet
    admin_tabs = [view.tab.key for view in response.context["record_tabs"]]
    assert "training" in admin_tabs


def test_the_cultivation_tab_needs_the_right_to_read_plans(world):
    from django.contrib.auth.models import Permission

    from cadre_office.accounts.models import Profile
    from tests.factories import UserFactory

    plan = make_plan(world)
    reader = UserFactory(username="roster_reader")
    Profile.objects.update_or_create(user=reader, defaults={"password_changed_at": timezone.now(),
                                                            "must_change_password": False})
    reader.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="cadres", codename__in=["view_cadre", "view_all_cadres"]))
    response = log_in(Client(), reader).get(reverse("cadres:cadre_detail", args=[plan.cadre_id]))
    assert response.status_code == 200
    assert "training" not in [view.tab.key for view in response.context["record_tabs"]]
    assert 'data-testid="cultivation-tab"' not in response.text
