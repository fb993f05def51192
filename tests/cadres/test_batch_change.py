"""批量变更 on the roster (issue 12, part 5): preview, then all or nothing, one history and one audit row each."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadres import messages
from cadres.codes import LeadershipLevel, PersonnelStatus, Rank
from cadres.models import Cadre, PostAssignment, RankAssignment
from cadres.permissions import BATCH_CHANGE_PERMISSIONS
from cadres.services import (
    BATCH_LIMIT,
    BatchChangeError,
    BatchOutOfScope,
    BatchStaleError,
    cadre_batch_change,
    cadre_batch_preview,
    cadre_set_status,
    cadre_update,
    post_start,
    rank_start,
)
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

DATE = dt.date(2026, 4, 1)
REASON = "机构调整"


@pytest.fixture
def actor(db):
    """Personnel staff: the role that changes cadres bureau-wide."""
    return role_user("人事干部", username="renshi_batch", first_name="人事干部乙")


@pytest.fixture
def units():
    return {"old": DepartmentFactory(name="办公室"), "new": DepartmentFactory(name="法规科"),
            "other": DepartmentFactory(name="财务科")}


def _roster(n: int, unit, *, actor, posts: bool = True) -> list[Cadre]:
    """``n`` cadres in ``unit``, born a day apart (roster order = creation order), each with a post and a rank."""
    cadres = []
    for i in range(n):
        cadre = CadreFactory(name=f"批量{i + 1:03d}", department=unit, birth_date=dt.date(1980, 1, 1) + dt.timedelta(i))
        if posts:
            post_start(actor=actor, cadre=cadre, department=unit, title=f"{unit.name}副主任", level="52",
                       start_date=dt.date(2020, 1, 1))
            rank_start(actor=actor, cadre=cadre, rank=Rank.PRINCIPAL_STAFF_2, start_date=dt.date(2019, 6, 1))
        cadres.append(cadre)
    return list(Cadre.objects.filter(pk__in=[c.pk for c in cadres]).order_by("birth_date"))


class Counts:
    """The rows a batch may write: cadre history, audit, posts and ranks with their history."""

    def __init__(self):
        self.values = self.now()

    @staticmethod
    def now() -> dict:
        return {"cadre history": Cadre.history.count(), "audit": AuditEvent.objects.count(),
                "posts": PostAssignment.objects.count(), "post history": PostAssignment.history.count(),
                "ranks": RankAssignment.objects.count(), "rank history": RankAssignment.history.count()}

    def delta(self) -> dict:
        now = self.now()
        return {key: now[key] - self.values[key] for key in now}


def _versions(plan) -> dict:
    return plan.versions


def _change(actor, cadres, change, value, **kwargs):
    """Preview, then apply what was previewed (as the confirm button does)."""
    ids = [c.pk for c in cadres]
    plan = cadre_batch_preview(actor=actor, cadre_ids=ids, change=change, value=value, effective_date=DATE,
                               reason=REASON)
    assert plan.problem_rows == []
    return cadre_batch_change(actor=actor, cadre_ids=ids, change=change, value=value, effective_date=DATE,
                              reason=REASON, expected_versions=plan.versions, expected_digest=plan.fingerprint(actor),
                              **kwargs)


def _one_each(cadres, counts_before_ids):
    """Every cadre got exactly one new history row."""
    per_cadre = {}
    for pk in Cadre.history.exclude(history_id__in=counts_before_ids).values_list("id", flat=True):
        per_cadre[pk] = per_cadre.get(pk, 0) + 1
    assert per_cadre == {c.pk: 1 for c in cadres}


# --- 200 cadres, each of the three kinds -------------------------------------------------------------


def test_a_transfer_of_200_cadres_moves_unit_and_posts_with_one_history_and_one_audit_row_each(actor, units):
    cadres = _roster(200, units["old"], actor=actor)
    plan = cadre_batch_preview(actor=actor, cadre_ids=[c.pk for c in cadres], change="department",
                               value=units["new"].pk, effective_date=DATE, reason=REASON)
    assert len(plan.rows) == 200 and plan.problem_rows == []
    row = plan.rows[0]
    assert (row.current, row.new) == ("办公室", "法规科")
    assert row.notes == ["“办公室副主任”2026-03-31止，2026-04-01起在法规科任“法规科副主任”"]

    history_before = list(Cadre.history.values_list("history_id", flat=True))
    counts = Counts()
    result = cadre_batch_change(actor=actor, cadre_ids=[c.pk for c in cadres], change="department",
                                value=units["new"].pk, effective_date=DATE, reason=REASON,
                                expected_versions=plan.versions, expected_digest=plan.fingerprint(actor))
    assert result.count == 200
    # One history row per cadre; per post one row for its end and one for the same post in the new unit.
    assert counts.delta() == {"cadre history": 200, "audit": 200, "posts": 200, "post history": 400, "ranks": 0,
                              "rank history": 0}
    _one_each(cadres, history_before)
    audits = AuditEvent.objects.order_by("-id")[:200]
    assert {(a.event, a.object_id, a.detail["batch"]) for a in audits} == {
        ("update", str(c.pk), result.batch) for c in cadres}
    assert audits[0].detail["fields"] == ["工作单位", "现任职务"]
    assert audits[0].detail["reason"] == "批量变更单位：机构调整"

    cadre = Cadre.objects.get(pk=cadres[136].pk)
    assert cadre.department == units["new"] and cadre.version == cadres[136].version + 1
    assert (cadre.current_post_title, cadre.current_level, cadre.current_post_start) == ("法规科副主任", "52", DATE)
    old, new = cadre.posts.order_by("start_date")
    assert (old.department, old.end_date) == (units["old"], dt.date(2026, 3, 31))
    assert (new.department, new.title, new.level, new.start_date, new.end_date) == (
        units["new"], "法规科副主任", "52", DATE, None)
    assert cadre.history.first().history_change_reason == "批量变更单位：机构调整"


def test_a_status_change_of_200_cadres_goes_through_cadre_set_status(actor, units):
    cadres = _roster(200, units["old"], actor=actor, posts=False)
    history_before = list(Cadre.history.values_list("history_id", flat=True))
    counts = Counts()
    result = _change(actor, cadres, "status", PersonnelStatus.RETIRED)
    assert result.count == 200
    assert counts.delta() == {"cadre history": 200, "audit": 200, "posts": 0, "post history": 0, "ranks": 0,
                              "rank history": 0}
    _one_each(cadres, history_before)
    assert set(Cadre.objects.values_list("status", "status_date", "version")) == {
        (PersonnelStatus.RETIRED, DATE, cadres[0].version + 1)}
    assert AuditEvent.objects.latest("id").detail["fields"] == ["人员状态"]


@pytest.mark.parametrize("status", [value for value in PersonnelStatus.values if value != PersonnelStatus.ACTIVE])
def test_every_status_the_roster_knows_can_be_set_in_a_batch(actor, units, status):
    cadres = _roster(3, units["old"], actor=actor, posts=False)
    _change(actor, cadres, "status", status)
    assert set(Cadre.objects.values_list("status", flat=True)) == {status}


def test_a_rank_change_of_200_cadres_ends_the_open_rank_the_day_before(actor, units):
    cadres = _roster(200, units["old"], actor=actor)
    history_before = list(Cadre.history.values_list("history_id", flat=True))
    counts = Counts()
    _change(actor, cadres, "rank", Rank.PRINCIPAL_STAFF_1)
    assert counts.delta() == {"cadre history": 200, "audit": 200, "posts": 0, "post history": 0, "ranks": 200,
                              "rank history": 400}
    _one_each(cadres, history_before)
    cadre = Cadre.objects.get(pk=cadres[0].pk)
    assert (cadre.current_rank, cadre.current_rank_start) == (Rank.PRINCIPAL_STAFF_1, DATE)
    assert list(cadre.ranks.order_by("start_date").values_list("rank", "end_date")) == [
        (Rank.PRINCIPAL_STAFF_2, dt.date(2026, 3, 31)), (Rank.PRINCIPAL_STAFF_1, None)]


# --- all or nothing ----------------------------------------------------------------------------------


def _break(cadre):
    """Make a cadre's stored data fail validation (as a legacy row might): a title date without a title."""
    Cadre.objects.filter(pk=cadre.pk).update(professional_title_date=dt.date(2010, 1, 1))


@pytest.mark.parametrize(("change", "value"), [("department", None), ("status", "transferred"), ("rank", "07")])
def test_a_row_failing_as_it_is_written_at_row_137_leaves_nothing_written(actor, units, change, value):
    cadres = _roster(200, units["old"], actor=actor)
    value = value or units["new"].pk
    plan = cadre_batch_preview(actor=actor, cadre_ids=[c.pk for c in cadres], change=change, value=value,
                               effective_date=DATE, reason=REASON)
    assert plan.rows[136].cadre.pk == cadres[136].pk and plan.problem_rows == []
    _break(cadres[136])  # the version stays: the preview still holds
    counts = Counts()
    with pytest.raises(BatchChangeError) as refused:
        cadre_batch_change(actor=actor, cadre_ids=[c.pk for c in cadres], change=change, value=value,
                           effective_date=DATE, reason=REASON, expected_versions=plan.versions)
    assert refused.value.message.startswith(f"{cadres[136].name}：") and "未执行任何变更" in refused.value.message
    assert counts.delta() == dict.fromkeys(counts.values, 0)
    assert set(Cadre.objects.values_list("department", "status", "current_rank", "version")) == {
        (units["old"].pk, "active", "08", cadres[0].version)}


def test_a_row_with_a_problem_refuses_the_whole_batch(actor, units):
    cadres = _roster(200, units["old"], actor=actor)
    cadre_update(actor=actor, cadre=cadres[136], data={"department": units["new"]})  # already there
    plan = cadre_batch_preview(actor=actor, cadre_ids=[c.pk for c in cadres], change="department",
                               value=units["new"].pk, effective_date=DATE, reason=REASON)
    assert [(row.cadre.pk, row.problems) for row in plan.problem_rows] == [
        (cadres[136].pk, [messages.BATCH_SAME_UNIT.format(unit="法规科")])]
    counts = Counts()
    with pytest.raises(BatchChangeError) as refused:
        cadre_batch_change(actor=actor, cadre_ids=[c.pk for c in cadres], change="department",
                           value=units["new"].pk, effective_date=DATE, reason=REASON, expected_versions=plan.versions)
    assert refused.value.message == messages.BATCH_HAS_PROBLEMS.format(count=1)
    assert counts.delta() == dict.fromkeys(counts.values, 0)


def test_the_preview_lists_each_rows_problems(actor, units):
    in_service, retired, recent = _roster(3, units["old"], actor=actor)
    cadre_set_status(actor=actor, cadre=retired, status=PersonnelStatus.RETIRED, status_date=dt.date(2025, 1, 1))
    post_start(actor=actor, cadre=recent, department=units["old"], title="办公室主任", level="51",
               start_date=dt.date(2026, 5, 1))
    plan = cadre_batch_preview(actor=actor, cadre_ids=[in_service.pk, retired.pk, recent.pk], change="department",
                               value=units["new"].pk, effective_date=DATE, reason=REASON)
    problems = {row.cadre.pk: row.problems for row in plan.rows}
    assert problems[in_service.pk] == []
    assert problems[retired.pk] == [messages.BATCH_NOT_IN_SERVICE.format(status="退休", what="单位")]
    assert problems[recent.pk] == [messages.BATCH_BEFORE_POST.format(title="办公室主任", date=dt.date(2026, 5, 1))]

    plan = cadre_batch_preview(actor=actor, cadre_ids=[retired.pk], change="status", value="retired",
                               effective_date=DATE, reason=REASON)
    assert plan.rows[0].problems == [messages.BATCH_SAME_STATUS.format(status="退休")]
    plan = cadre_batch_preview(actor=actor, cadre_ids=[in_service.pk], change="rank", value="09",
                               effective_date=DATE, reason=REASON)
    assert plan.rows[0].problems == [] and plan.rows[0].notes == [messages.BATCH_RANK_LOWER.format(rank="二级主任科员")]


# --- the set and the rows must be those previewed -------------------------------------------------------


def test_a_version_change_between_preview_and_apply_is_refused(actor, units):
    cadres = _roster(20, units["old"], actor=actor)
    ids = [c.pk for c in cadres]
    plan = cadre_batch_preview(actor=actor, cadre_ids=ids, change="department", value=units["new"].pk,
                               effective_date=DATE, reason=REASON)
    cadre_update(actor=actor, cadre=cadres[5], data={"health": "良好"}, expected_version=cadres[5].version)
    counts = Counts()
    with pytest.raises(BatchStaleError):
        cadre_batch_change(actor=actor, cadre_ids=ids, change="department", value=units["new"].pk,
                           effective_date=DATE, reason=REASON, expected_versions=plan.versions)
    assert counts.delta() == dict.fromkeys(counts.values, 0)


def test_a_change_the_preview_showed_is_caught_by_its_digest_even_without_a_new_version(actor, units):
    cadres = _roster(5, units["old"], actor=actor)
    ids = [c.pk for c in cadres]
    plan = cadre_batch_preview(actor=actor, cadre_ids=ids, change="status", value="transferred",
                               effective_date=DATE, reason=REASON)
    cadre_set_status(actor=actor, cadre=cadres[2], status="removed", status_date=dt.date(2026, 1, 1))
    with pytest.raises(BatchStaleError):
        cadre_batch_change(actor=actor, cadre_ids=ids, change="status", value="transferred", effective_date=DATE,
                           reason=REASON, expected_versions=plan.versions, expected_digest=plan.fingerprint(actor))
    assert Cadre.objects.filter(status="transferred").count() == 0


def test_a_selection_other_than_the_previewed_one_is_refused(actor, units):
    cadres = _roster(5, units["old"], actor=actor)
    plan = cadre_batch_preview(actor=actor, cadre_ids=[c.pk for c in cadres[:4]], change="rank", value="07",
                               effective_date=DATE, reason=REASON)
    with pytest.raises(BatchStaleError):
        cadre_batch_change(actor=actor, cadre_ids=[c.pk for c in cadres], change="rank", value="07",
                           effective_date=DATE, reason=REASON, expected_versions=plan.versions)


def test_more_than_the_cap_is_refused_with_a_clear_message(actor):
    with pytest.raises(BatchChangeError) as refused:
        cadre_batch_preview(actor=actor, cadre_ids=range(1, BATCH_LIMIT + 2), change="rank", value="07",
                            effective_date=DATE, reason=REASON)
    assert refused.value.message == messages.BATCH_TOO_MANY.format(limit=200, count=201)


# --- scope ---------------------------------------------------------------------------------------------


@pytest.fixture
def scoped_editor(units):
    """A department head for 办公室 who may also change cadres: a batch stays inside their scope."""
    user = role_user("科室负责人", departments=[units["old"], units["new"]])
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=[name.split(".")[1] for name in BATCH_CHANGE_PERMISSIONS]))
    return Client(), user


def test_forged_ids_outside_the_scope_are_not_found_and_audited(client, actor, units, scoped_editor):
    client, editor = scoped_editor
    own = _roster(2, units["old"], actor=actor)
    stranger = CadreFactory(name="他科室丁", department=units["other"])
    log_in(client, editor)
    ids = [own[0].pk, stranger.pk]
    assert client.get(reverse("cadres:batch_change"), {"ids": ids}).status_code == 404
    data = {"ids": ids, "step": "preview", "change": "rank", "rank": "07", "effective_date": "2026-04-01",
            "reason": REASON}
    assert client.post(reverse("cadres:batch_change"), data).status_code == 404
    counts = Counts()
    forged = {**data, "selection": f"{own[0].pk}:1,{stranger.pk}:1"}
    assert client.post(reverse("cadres:batch_apply"), forged).status_code == 404
    assert counts.delta()["cadre history"] == 0
    denied = AuditEvent.objects.filter(event="access_denied", object_id=str(stranger.pk))
    assert denied.count() == 3
    with pytest.raises(BatchOutOfScope):
        cadre_batch_change(actor=editor, cadre_ids=ids, change="rank", value="07", effective_date=DATE,
                           reason=REASON, expected_versions={})


def test_a_unit_outside_the_scope_is_refused(client, actor, units, scoped_editor):
    client, editor = scoped_editor
    own = _roster(2, units["old"], actor=actor)
    log_in(client, editor)
    response = client.post(reverse("cadres:batch_change"), {
        "ids": [c.pk for c in own], "step": "preview", "change": "department", "department": units["other"].pk,
        "effective_date": "2026-04-01", "reason": REASON})
    assert response.status_code == 200 and response.context["form"].errors["department"]
    with pytest.raises(BatchChangeError) as refused:
        cadre_batch_preview(actor=editor, cadre_ids=[c.pk for c in own], change="department",
                            value=units["other"].pk, effective_date=DATE, reason=REASON)
    assert refused.value.message == messages.BATCH_UNIT_INVALID


# --- through the pages -------------------------------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = role_user("人事干部", first_name="人事干部甲")
    log_in(client, user)
    return user


def _form_data(change="department", **values):
    return {"step": "preview", "change": change, "effective_date": "2026-04-01", "reason": REASON, **values}


def test_the_roster_offers_boxes_to_personnel_staff_only(client, actor, units):
    _roster(2, units["old"], actor=actor, posts=False)
    log_in(client, role_user("人事干部"))
    html = client.get(reverse("cadres:cadre_list")).content.decode()
    assert 'name="ids"' in html and 'id="batch-form"' in html and "批量变更" in html
    log_in(client, role_user("局领导"))
    html = client.get(reverse("cadres:cadre_list")).content.decode()
    assert 'name="ids"' not in html and "批量变更" not in html


def test_ticked_rows_preview_and_apply_through_the_pages(client, staff, actor, units):
    cadres = _roster(5, units["old"], actor=actor)
    ids = [c.pk for c in cadres]
    response = client.post(reverse("cadres:batch_change"), {"ids": ids})
    assert response.status_code == 200 and response.context["selection"].total == 5
    assert "批量001" in response.content.decode()

    counts = Counts()
    preview = client.post(reverse("cadres:batch_change"), {"ids": ids, **_form_data(department=units["new"].pk)})
    assert preview.status_code == 200 and preview.templates[0].name == "cadres/batch_preview.html"
    assert counts.delta() == dict.fromkeys(counts.values, 0)  # a preview writes nothing
    html = preview.content.decode()
    assert "法规科副主任" in html and 'data-testid="batch-confirm"' in html
    hidden = dict(preview.context["hidden"])
    confirm = {**_form_data(department=units["new"].pk), "selection": hidden["selection"], "scope": "",
               "digest": preview.context["digest"]}
    done = client.post(reverse("cadres:batch_apply"), confirm, follow=True)
    assert done.redirect_chain[-1][0] == f"{reverse('cadres:cadre_list')}?department={units['new'].pk}"
    assert "已变更 5 人：单位变更为法规科，生效日期 2026-04-01。" in done.content.decode()
    assert done.context["paginator"].count == 5
    assert counts.delta()["cadre history"] == 5 and counts.delta()["audit"] == 5

    # The same confirmation again: the versions moved on, nothing more is written.
    again = client.post(reverse("cadres:batch_apply"), confirm)
    assert again.status_code == 200 and messages.BATCH_STALE in again.content.decode()
    assert counts.delta()["cadre history"] == 5


def test_the_preview_with_a_problem_disables_the_confirmation(client, staff, actor, units):
    cadres = _roster(3, units["old"], actor=actor)
    cadre_update(actor=actor, cadre=cadres[1], data={"department": units["new"]})
    preview = client.post(reverse("cadres:batch_change"),
                          {"ids": [c.pk for c in cadres], **_form_data(department=units["new"].pk)})
    html = preview.content.decode()
    assert preview.context["problems"] == 1 and "已在法规科" in html
    assert 'disabled data-testid="batch-confirm"' in html


def test_all_matching_the_filter_is_read_again_at_preview_and_apply(client, staff, actor, units):
    _roster(4, units["old"], actor=actor)
    CadreFactory(department=units["other"])
    selection = {"scope": "all", "filter": f"department={units['old'].pk}"}
    form = client.post(reverse("cadres:batch_change"), selection)
    assert form.context["selection"].total == 4
    preview = client.post(reverse("cadres:batch_change"), {**selection, **_form_data(department=units["new"].pk)})
    assert len(preview.context["plan"].rows) == 4
    hidden = dict(preview.context["hidden"])
    assert hidden["scope"] == "all" and hidden["filter"] == selection["filter"]
    confirm = {**_form_data(department=units["new"].pk), **hidden, "digest": preview.context["digest"]}

    newcomer = CadreFactory(name="新来的", department=units["old"])  # the set changes after the preview
    counts = Counts()
    stale = client.post(reverse("cadres:batch_apply"), confirm)
    assert messages.BATCH_STALE in stale.content.decode() and len(stale.context["plan"].rows) == 5
    assert counts.delta() == dict.fromkeys(counts.values, 0)

    confirm = {**confirm, **dict(stale.context["hidden"]), "digest": stale.context["digest"]}
    assert client.post(reverse("cadres:batch_apply"), confirm).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.department == units["new"] and Cadre.objects.filter(department=units["new"]).count() == 5


def test_nothing_selected_goes_back_to_the_roster_with_a_message(client, staff):
    response = client.post(reverse("cadres:batch_change"), follow=True)
    assert messages.BATCH_NONE_SELECTED in response.content.decode()


def test_get_never_writes_and_the_confirmation_needs_a_csrf_token(actor, units):
    cadres = _roster(2, units["old"], actor=actor)
    user = role_user("人事干部")
    client = log_in(Client(enforce_csrf_checks=True), user)
    counts = Counts()
    assert client.get(reverse("cadres:batch_apply")).status_code == 405
    data = {**_form_data(change="rank", rank="07"), "selection": ",".join(f"{c.pk}:{c.version}" for c in cadres)}
    assert client.post(reverse("cadres:batch_apply"), data).status_code == 403
    assert client.get(reverse("cadres:batch_change"), {"ids": [c.pk for c in cadres], **data}).status_code == 200
    assert counts.delta() == dict.fromkeys(counts.values, 0)


# --- query counts -------------------------------------------------------------------------------------------


def _queries(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [q["sql"] for q in queries]


def test_the_preview_page_costs_the_same_queries_for_20_and_200_cadres(client, staff, actor, units):
    def preview(cadres):
        data = {"ids": [c.pk for c in cadres], **_form_data(department=units["new"].pk)}
        return _queries(lambda: client.post(reverse("cadres:batch_change"), data))

    small = preview(_roster(20, units["old"], actor=actor))
    large = preview(_roster(200, units["other"], actor=actor))
    assert len(small) == len(large)
    # Session, user, OTP device, user and group permissions; the chosen unit (the form's validation),
    # the unit again in the actor's scope (the service), the cadres with their units, their open posts;
    # the new unit's 职数 on the date, since leadership posts move in (cadres.quotas: the state of the
    # data, the quotas in force, the posts grouped by unit and level); the top bar's role; the
    # session's save (savepoint, update, release).
    assert len(large) == 16, large


WRITES_LEAVING = 21


@pytest.mark.parametrize(("change", "value", "writes", "reads"), [
    # Per cadre: end the post (update, history), the same post in the new unit (insert, history), the
    # cadre (update, history), the audit row; no read.
    ("department", None, 7, 0),
    # Per cadre: end the rank (update, history), the new rank (insert, history), the cadre (update,
    # history), the audit row; no read.
    ("rank", "07", 7, 0),
    # Per cadre through cadre_set_status, the one service of a status change: leaving service ends the
    # open post and rank through the child-record core (each: savepoint, update, history, audit row,
    # release), then the cadre with its cached post and rank cleared (update, history) and its audit row.
    # The reads are those services' own: the locked cadre, its open posts and ranks, and full_clean's
    # checks (the unit and the cadre exist, the ID number is unique, the check constraints). The price of
    # leaving service through the one service, not an N+1 of the batch.
    ("status", "retired", WRITES_LEAVING, 11),
])
def test_the_apply_writes_each_row_and_reads_nothing_per_row(actor, units, change, value, writes, reads):
    def apply(cadres):
        return _queries(lambda: _change(actor, cadres, change, value or units["new"].pk))

    def split(sql):
        selects = [q for q in sql if q.lstrip().upper().startswith("SELECT")]
        return len(selects), len(sql) - len(selects)

    apply(_roster(1, units["other"], actor=actor))  # warm the caches (content types, permissions)
    small_reads, small_writes = split(apply(_roster(10, units["old"], actor=actor)))
    large_reads, large_writes = split(apply(_roster(40, DepartmentFactory(name="宣传科"), actor=actor)))
    # The preview and the apply each read the unit (or not), the cadres, their open posts or ranks.
    assert large_reads - small_reads == 30 * reads
    assert large_writes - small_writes == 30 * writes


def test_a_transfer_that_takes_the_new_unit_over_its_quota_is_pointed_out_in_the_preview(actor, units):
    from cadres.services import quota_create

    quota_create(actor=actor, department=units["new"], level=LeadershipLevel.TOWNSHIP_DEPUTY, approved=2,
                 document="区编发〔2020〕1号", approved_on=dt.date(2020, 1, 1), effective_from=dt.date(2020, 1, 1))
    cadres = _roster(3, units["old"], actor=actor)
    for cadre in cadres:
        PostAssignment.objects.filter(cadre=cadre).update(level=LeadershipLevel.TOWNSHIP_DEPUTY)
    plan = cadre_batch_preview(actor=actor, cadre_ids=[c.pk for c in cadres], change="department",
                               value=units["new"].pk, effective_date=DATE, reason="机构调整")
    assert plan.quota_warnings == [messages.BATCH_OVER_QUOTA.format(
        count=3, level="副科", unit=units["new"].name, after=3, approved=2, over=1)]
    assert not plan.problem_rows  # pointed out, not refused
    plan = cadre_batch_preview(actor=actor, cadre_ids=[cadres[0].pk], change="department",
                               value=units["new"].pk, effective_date=DATE, reason="机构调整")
    assert plan.quota_warnings == []
