"""Post quotas (职数): the quota in force on a day, occupancy on any day from the post history, the pages.

Occupancy is checked on the day before and the day of each event (an appointment, a removal, a
transfer), never from the cadre's current post (docs/definitions.md section 9).
"""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadre_office.audit.models import AuditEvent
from cadres import messages
from cadres.codes import PersonnelStatus
from cadres.models import PostQuota
from cadres.quotas import quota_occupancy, quotas_in_force
from cadres.services import cadre_set_status, post_end, post_start, quota_create, quota_update
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, RankFactory, log_in, role_user

pytestmark = pytest.mark.django_db

ZK, FK = "51", "52"
APPOINTED = dt.date(2024, 3, 1)
REMOVED = dt.date(2025, 6, 30)


def _quota(actor, unit, level, approved, *, effective=dt.date(2020, 1, 1), rank="", document="区编发〔2020〕1号"):
    return quota_create(actor=actor, department=unit, level=level, rank=rank, approved=approved, document=document,
                        approved_on=effective, effective_from=effective)


def _occupied(unit, kind, day) -> int:
    return quota_occupancy(day).figure(unit.pk, kind).occupied


@pytest.fixture
def unit(db):
    return DepartmentFactory(name="法规科")


# --- the quota in force -------------------------------------------------------------------------


def test_the_quota_in_force_is_the_latest_approved_effective_on_or_before_the_day(actor, unit):
    _quota(actor, unit, FK, 2, effective=dt.date(2020, 1, 1))
    _quota(actor, unit, FK, 4, effective=dt.date(2024, 7, 1), document="区编发〔2024〕9号")
    assert (unit.pk, "L52") not in quotas_in_force(dt.date(2019, 12, 31))
    assert quotas_in_force(dt.date(2024, 6, 30))[(unit.pk, "L52")].approved == 2
    assert quotas_in_force(dt.date(2024, 7, 1))[(unit.pk, "L52")].approved == 4


def test_a_quota_is_a_level_or_a_rank_never_both_nor_neither(actor, unit):
    with pytest.raises(ValidationError) as caught:
        _quota(actor, unit, FK, 2, rank="07")
    assert messages.QUOTA_LEVEL_OR_RANK in str(caught.value)
    with pytest.raises(ValidationError):
        _quota(actor, unit, "", 2)
    assert not PostQuota.objects.exists()


def test_two_approvals_of_one_kind_on_one_day_are_refused(actor, unit):
    _quota(actor, unit, FK, 2)
    with pytest.raises(ValidationError):
        _quota(actor, unit, FK, 3)
    assert PostQuota.objects.count() == 1


def test_a_correction_needs_a_reason_and_leaves_history_and_an_audit_row(actor, unit):
    quota = _quota(actor, unit, FK, 2)
    with pytest.raises(ValidationError) as caught:
        quota_update(actor=actor, quota=quota, reason=" ", approved=3)
    assert messages.QUOTA_REASON_REQUIRED in str(caught.value)
    quota_update(actor=actor, quota=quota, reason="原录入有误，按批复原件更正", approved=3)
    quota.refresh_from_db()
    assert quota.approved == 3
    assert [h.approved for h in quota.history.order_by("history_id")] == [2, 3]
    assert quota.history.latest().history_user == actor
    row = AuditEvent.objects.filter(object_type="cadres.postquota").latest("id")
    assert row.event == "update" and row.detail["reason"] == "原录入有误，按批复原件更正"
    assert "核定 2 名" in row.detail["from"] and "核定 3 名" in row.detail["to"]


# --- occupancy on a day -------------------------------------------------------------------------


def test_occupancy_before_and_after_an_appointment(actor, unit):
    cadre = CadreFactory(department=unit)
    post_start(actor=actor, cadre=cadre, department=unit, title="法规科副科长", level=FK, start_date=APPOINTED)
    assert _occupied(unit, "L52", APPOINTED - dt.timedelta(days=1)) == 0
    assert _occupied(unit, "L52", APPOINTED) == 1


def test_occupancy_before_and_after_a_removal(actor, unit):
    post = PostFactory(cadre=CadreFactory(department=unit), department=unit, level=FK, start_date=APPOINTED)
    post_end(actor=actor, post=post, end_date=REMOVED)
    assert _occupied(unit, "L52", REMOVED) == 1  # the end day is the last day held
    assert _occupied(unit, "L52", REMOVED + dt.timedelta(days=1)) == 0
    assert _occupied(unit, "L52", dt.date.today()) == 0


def test_a_transfer_moves_the_occupancy_from_one_unit_to_the_other_on_its_day(actor, unit):
    other = DepartmentFactory(name="财务科")
    cadre = CadreFactory(department=unit)
    PostFactory(cadre=cadre, department=unit, title="法规科科长", level=ZK, start_date=APPOINTED)
    moved = dt.date(2025, 9, 1)
    # The new post closes the open one on the day before (cadres.services.post_start).
    post_start(actor=actor, cadre=cadre, department=other, title="财务科科长", level=ZK, start_date=moved)
    before, after = moved - dt.timedelta(days=1), moved
    assert (_occupied(unit, "L51", before), _occupied(other, "L51", before)) == (1, 0)
    assert (_occupied(unit, "L51", after), _occupied(other, "L51", after)) == (0, 1)


def test_a_cadre_who_left_service_stops_occupying_on_the_day_after_even_with_the_post_left_open(actor, unit):
    # A status change does not end posts; occupancy follows 在职 on the day as the dashboard does.
    cadre = CadreFactory(department=unit, status="retired", status_date=dt.date(2025, 12, 31))
    PostFactory(cadre=cadre, department=unit, level=ZK, start_date=APPOINTED)
    assert _occupied(unit, "L51", dt.date(2025, 12, 30)) == 1
    assert _occupied(unit, "L51", dt.date(2025, 12, 31)) == 0
    imported = CadreFactory(department=unit, status="transferred", status_date=None)  # left before any record
    PostFactory(cadre=imported, department=unit, level=FK, start_date=APPOINTED)
    assert _occupied(unit, "L52", dt.date(2025, 1, 1)) == 0


def test_one_person_takes_one_quota_at_the_level_of_their_principal_post(actor, unit):
    other = DepartmentFactory(name="宣传科")
    cadre = CadreFactory(department=unit)
    PostFactory(cadre=cadre, department=unit, title="法规科科长", level=ZK, start_date=APPOINTED)
    PostFactory(cadre=cadre, department=unit, title="机关党委委员", level=FK, start_date=APPOINTED)
    PostFactory(cadre=cadre, department=other, title="兼宣传科副科长", level=FK, start_date=APPOINTED)
    day = dt.date(2025, 1, 1)
    assert (_occupied(unit, "L51", day), _occupied(unit, "L52", day), _occupied(other, "L52", day)) == (1, 0, 0)


def test_a_post_without_a_leadership_level_takes_no_quota(actor, unit):
    PostFactory(cadre=CadreFactory(department=unit), department=unit, title="科员", level="", start_date=APPOINTED)
    assert _occupied(unit, "L52", dt.date(2025, 1, 1)) == 0


def test_a_rank_quota_counts_the_rank_held_on_the_day_in_the_unit_of_the_post(actor, unit):
    _quota(actor, unit, "", 1, rank="07")
    cadre = CadreFactory(department=DepartmentFactory(name="办公室"))  # listed elsewhere, serving in 法规科
    PostFactory(cadre=cadre, department=unit, title="科员", level="", start_date=dt.date(2019, 1, 1))
    RankFactory(cadre=cadre, rank="07", start_date=dt.date(2024, 1, 1))
    RankFactory(cadre=CadreFactory(department=unit), rank="07", start_date=dt.date(2024, 6, 1))
    occupancy = quota_occupancy(dt.date(2024, 3, 1))
    assert "R07" in occupancy.kinds
    assert occupancy.figure(unit.pk, "R07").occupied == 1
    figure = quota_occupancy(dt.date(2024, 6, 1)).figure(unit.pk, "R07")
    assert (figure.occupied, figure.approved, figure.over, figure.vacant) == (2, 1, 1, 0)


def test_over_quota_and_vacancy_are_what_is_left_either_way(actor, unit):
    _quota(actor, unit, ZK, 1)
    _quota(actor, unit, FK, 3)
    for _ in range(2):
        PostFactory(cadre=CadreFactory(department=unit), department=unit, level=ZK, start_date=APPOINTED)
    PostFactory(cadre=CadreFactory(department=unit), department=unit, level=FK, start_date=APPOINTED)
    occupancy = quota_occupancy(dt.date(2025, 1, 1))
    zheng, fu = occupancy.figure(unit.pk, "L51"), occupancy.figure(unit.pk, "L52")
    assert (zheng.approved, zheng.occupied, zheng.vacant, zheng.over) == (1, 2, 0, 1)
    assert (fu.approved, fu.occupied, fu.vacant, fu.over) == (3, 1, 2, 0)


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def bureau(actor):
    """法规科 over its 正科 quota (two for one), 财务科 with a 副科 vacancy, 办公室 with none recorded."""
    law, finance, office = (DepartmentFactory(name=name) for name in ("法规科", "财务科", "办公室"))
    _quota(actor, law, ZK, 1)
    _quota(actor, finance, FK, 2)
    for name in ("甲科长", "乙科长"):
        PostFactory(cadre=CadreFactory(department=law, name=name), department=law, level=ZK, start_date=APPOINTED)
    PostFactory(cadre=CadreFactory(department=finance, name="丙副科长"), department=finance, level=FK,
                start_date=APPOINTED)
    return {"law": law, "finance": finance, "office": office}


def _row(html: str, unit: str) -> str:
    start = html.index(f'data-unit="{unit}"')
    return html[start:html.index("</tr>", start)]


def test_the_overview_shows_over_quota_in_red_and_the_vacancies(staff_client, bureau):
    response = staff_client.get(reverse("cadres:quota_overview"), {"as_of": "2025-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    law = _row(html, "法规科")
    assert 'class="quota-over-row"' in html[html.rfind("<tr", 0, html.index('data-unit="法规科"')):][:80]
    assert 'data-testid="over">1<' in law and "超编" in law
    finance = _row(html, "财务科")
    assert '<span class="quota-vacant">1</span>' in finance and 'data-testid="over"' not in finance
    assert "未核定" in _row(html, "办公室")
    totals = response.context["overview"].totals
    assert [(t.approved, t.occupied, t.vacant, t.over) for t in totals] == [(1, 2, 0, 1), (2, 1, 1, 0)]


def test_the_overview_before_the_appointments_shows_nobody(staff_client, bureau):
    overview = staff_client.get(reverse("cadres:quota_overview"), {"as_of": "2024-02-29"}).context["overview"]
    assert [t.occupied for t in overview.totals] == [0, 0]


def test_the_overview_filters_over_quota_and_vacancies(staff_client, bureau):
    def units(show):
        overview = staff_client.get(reverse("cadres:quota_overview"), {"as_of": "2025-01-01", "show": show})
        return [row.unit.name for row in overview.context["overview"].rows]

    assert units("over") == ["法规科"]
    assert units("vacant") == ["财务科"]
    assert {"法规科", "财务科", "办公室"} <= set(units(""))


def test_a_number_drills_down_to_who_occupies_it_on_that_day(staff_client, bureau):
    url = reverse("cadres:quota_occupants", args=[bureau["law"].pk, "L51"])
    response = staff_client.get(url, {"as_of": "2025-01-01"})
    assert response.status_code == 200
    assert {row.cadre.name for row in response.context["occupants"]} == {"甲科长", "乙科长"}
    assert staff_client.get(url, {"as_of": "2024-01-01"}).context["occupants"] == []
    assert staff_client.get(reverse("cadres:quota_occupants", args=[bureau["law"].pk, "X9"])).status_code == 404


def test_the_export_holds_the_overview_and_its_totals_and_is_audited(staff_client, staff, bureau):
    response = staff_client.get(reverse("cadres:quota_export"), {"as_of": "2025-01-01"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "职数情况（统计时点 2025-01-01）"
    assert rows[1][:9] == ("单位", "正科核定", "正科实有", "正科空缺", "正科超编", "副科核定", "副科实有", "副科空缺",
                           "副科超编")
    law = next(row for row in rows if row[0] and row[0].strip("\u3000") == "法规科")
    assert law[1:9] == (1, 2, 0, 1, None, 0, None, None)
    assert rows[-1][:9] == ("合计", 1, 2, 0, 1, 2, 1, 1, 0)
    audit = AuditEvent.objects.filter(event="export", object_type="cadres.postquota").get()
    assert audit.user == staff and audit.detail["notes"] == "统计时点 2025-01-01"


def test_the_unit_tree_and_the_unit_page_show_the_quota_badges(staff_client, bureau):
    html = staff_client.get(reverse("cadres:department_list")).content.decode()
    assert 'data-testid="quota-over"' in html and "正科 2/1 超1" in html and "副科 1/2 缺1" in html
    page = staff_client.get(reverse("cadres:department_update", args=[bureau["law"].pk])).content.decode()
    assert 'data-testid="unit-quotas"' in page and "区编发〔2020〕1号" in page and "quota-over" in page


def test_personnel_staff_record_and_correct_a_quota_through_the_forms(staff_client, staff, bureau):
    office = bureau["office"]
    data = {"department": office.pk, "kind": "L52", "approved": 3, "document": "区编发〔2025〕3号",
            "approved_on": "2025-02-01", "effective_from": "2025-03-01", "remarks": ""}
    response = staff_client.post(reverse("cadres:quota_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    quota = PostQuota.objects.get(department=office)
    assert (quota.level, quota.rank, quota.approved) == (FK, "", 3)
    # The same kind and day again: refused on the form, nothing added.
    response = staff_client.post(reverse("cadres:quota_create"), data)
    assert response.status_code == 200 and PostQuota.objects.filter(department=office).count() == 1
    # A correction asks why.
    url = reverse("cadres:quota_update", args=[quota.pk])
    response = staff_client.post(url, {**data, "approved": 4})
    assert response.status_code == 200 and messages.QUOTA_REASON_REQUIRED in response.content.decode()
    response = staff_client.post(url, {**data, "approved": 4, "reason": "文号录错"})
    assert response.status_code == 302
    quota.refresh_from_db()
    assert quota.approved == 4 and quota.history.latest().history_change_reason == "更正职数：文号录错"


def test_a_department_head_sees_only_their_units(client, bureau):
    head = role_user("科室负责人", departments=[bureau["law"]])
    log_in(client, head)
    overview = client.get(reverse("cadres:quota_overview"), {"as_of": "2025-01-01"}).context["overview"]
    assert [row.unit.name for row in overview.rows] == ["法规科"]
    url = reverse("cadres:quota_occupants", args=[bureau["finance"].pk, "L52"])
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(event="access_denied", object_type="cadres.department").exists()


# --- query counts --------------------------------------------------------------------------------


def _grow(actor, n):
    for _ in range(n):
        unit = DepartmentFactory()
        _quota(actor, unit, ZK, 1)
        _quota(actor, unit, FK, 2)
        PostFactory(cadre=CadreFactory(department=unit), department=unit, level=FK, start_date=APPOINTED)
        RankFactory(cadre=CadreFactory(department=unit), rank="07")


def _count(client, url, params, *, cold: bool = True) -> int:
    if cold:  # the figures computed afresh (cadres.quotas keeps them per state of the data)
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("rank_quota", [False, True], ids=["leadership", "with a rank quota"])
def test_the_overview_costs_the_same_queries_with_3_and_30_units(staff_client, actor, rank_quota):
    # Session, user, OTP device, user and group permissions, the state of the data (cadres.quotas.
    # data_version), the quotas in force, the posts grouped by unit and level (and, with a 职级 quota in
    # force, the ranks grouped by unit and rank), the units in tree order, the top bar's roles, and the
    # session's save (savepoint, update, release). Asked again with nothing changed, the figures come
    # from the cache: two (three) queries fewer.
    _grow(actor, 3)
    if rank_quota:
        _quota(actor, DepartmentFactory(), "", 1, rank="07")
    url, params = reverse("cadres:quota_overview"), {"as_of": "2025-01-01"}
    small = _count(staff_client, url, params)
    _grow(actor, 27)
    assert _count(staff_client, url, params) == small
    assert small == (14 if rank_quota else 13), small
    assert _count(staff_client, url, params, cold=False) == small - (3 if rank_quota else 2)


def test_the_kept_figures_follow_every_change_of_posts_ranks_status_and_quotas(actor, unit):
    day = dt.date(2025, 1, 1)
    assert _occupied(unit, "L52", day) == 0  # computed and kept
    cadre = CadreFactory(department=unit)
    post = PostFactory(cadre=cadre, department=unit, level=FK, start_date=APPOINTED)
    assert _occupied(unit, "L52", day) == 1
    post_end(actor=actor, post=post, end_date=dt.date(2024, 12, 31))
    assert _occupied(unit, "L52", day) == 0
    post_start(actor=actor, cadre=cadre, department=unit, title="副科长", level=FK, start_date=dt.date(2025, 1, 1))
    assert _occupied(unit, "L52", day) == 1
    assert _occupied(unit, "L52", dt.date(2025, 1, 2)) == 1
    cadre_set_status(actor=actor, cadre=cadre, status=PersonnelStatus.TRANSFERRED, status_date=dt.date(2025, 1, 2))
    assert _occupied(unit, "L52", dt.date(2025, 1, 2)) == 0
    _quota(actor, unit, FK, 3)
    assert quota_occupancy(day).figure(unit.pk, "L52").approved == 3


def test_the_export_costs_the_same_queries_with_3_and_30_units(staff_client, actor):
    # As the overview (no page: no nav counts) plus the audit row's insert.
    _grow(actor, 3)
    small = _count(staff_client, reverse("cadres:quota_export"), {"as_of": "2025-01-01"})
    _grow(actor, 27)
    assert _count(staff_client, reverse("cadres:quota_export"), {"as_of": "2025-01-01"}) == small
