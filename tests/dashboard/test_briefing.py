"""The dashboard for briefings: the print view, the cards as Excel and PDF, and the drill-down lists as Excel.

One selector (``selectors.briefing``) feeds the print view, the workbook and the PDF, so each is checked
against the dashboard page itself; the drill-down workbook against the drill-down page. Who may have them:
anonymous visitors are sent to log in, roles without ``dashboard.export_dashboard`` are refused, a
科室负责人 gets their units' figures and cadres only. Query counts are pinned and do not grow with the rows.
"""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_office.audit.models import AuditEvent
from cadre_office.dashboard import views
from cadre_office.dashboard.selectors.briefing import NO_CHANGE, NO_PREVIOUS, month_ends_before
from cadre_office.dashboard.services import snapshot_compute
from cadres.idnumbers import mask_id_number
from tests.dashboard.worlds import FU, ZHENG, office_and_finance
from tests.factories import (
    DepartmentFactory,
    log_in,
    role_user,
    section_cadre,
)

pytestmark = pytest.mark.django_db

D_MAR, D_APR, D_MAY, D_JUN = dt.date(2026, 3, 20), dt.date(2026, 4, 30), dt.date(2026, 5, 31), dt.date(2026, 6, 30)


@pytest.fixture
def world(db):
    """办公室 (with 档案组 under it) and 财务科; snapshots on 03-20, 04-30, 05-31, and 06-30 after a new 副科."""
    return office_and_finance(snapshots_before=(D_MAR, D_APR, D_MAY), snapshot_after=D_JUN)


def at(name, day=D_JUN, *args):
    return reverse(f"dashboard:{name}", args=args) + f"?as_of={day:%Y-%m-%d}"


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def page_cards(client, day=D_JUN) -> dict:
    """The dashboard page's own cards, by code: what every output must repeat."""
    return {card.code: card for card in client.get(reverse("dashboard:index"), {"as_of": f"{day:%Y-%m-%d}"})
            .context["dash"].cards}


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(content(response))).active.iter_rows(values_only=True))


def pdf_text(response, tmp_path) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "briefing.pdf"
    path.write_bytes(content(response))
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


URLS = [
    ("print", lambda: at("print")),
    ("export", lambda: at("export")),
    ("export_pdf", lambda: at("export_pdf")),
    ("drilldown_export", lambda: at("drilldown_export", D_JUN, "female", "denominator")),
]


# --- who may have them ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "url"), URLS, ids=[n for n, _ in URLS])
def test_anonymous_visitors_are_sent_to_login(client, world, name, url):
    response = client.get(url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["纪检监察", "系统管理员", "安全管理员", "审计管理员"])
@pytest.mark.parametrize(("name", "url"), URLS, ids=[n for n, _ in URLS])
def test_roles_without_the_export_right_are_refused_and_nothing_is_exported(client, world, role, name, url):
    log_in(client, world["users"][role])
    assert client.get(url()).status_code == 403
    assert not AuditEvent.objects.filter(event__in=["export", "download"]).exists()


def test_a_dashboard_reader_without_the_export_right_sees_no_button_and_is_refused(client, world):
    from django.contrib.auth.models import Permission

    user = role_user("局领导")
    user.user_permissions.add(*Permission.objects.filter(codename="view_snapshot"))  # reading, through a group too
    user.groups.first().permissions.remove(Permission.objects.get(codename="export_dashboard"))
    log_in(client, user)
    html = client.get(reverse("dashboard:index")).content.decode()
    assert reverse("dashboard:print") not in html and reverse("dashboard:export") not in html
    drill = client.get(at("drilldown", D_JUN, "female", "denominator")).content.decode()
    assert "导出 Excel" not in drill
    for _, url in URLS:
        assert client.get(url()).status_code == 403


@pytest.mark.parametrize("role", ["人事干部", "局领导", "科室负责人"])
def test_the_dashboard_and_the_drilldown_offer_print_and_exports_to_those_who_may(client, world, role):
    log_in(client, world["users"][role])
    html = client.get(reverse("dashboard:index")).content.decode()
    for name in ("print", "export", "export_pdf"):
        assert f'{reverse(f"dashboard:{name}")}?as_of=2026-06-30' in html
    drill = client.get(at("drilldown", D_JUN, "female", "denominator")).content.decode()
    assert at("drilldown_export", D_JUN, "female", "denominator").replace("&", "&amp;") in drill


def test_nothing_stored_gives_an_empty_print_view_and_no_files(client, world):
    from cadre_office.dashboard.models import Snapshot

    Snapshot.objects.all().delete()
    log_in(client, world["users"]["人事干部"])
    page = client.get(reverse("dashboard:print"))
    assert page.status_code == 200 and "尚未生成统计数据" in page.content.decode()
    assert client.get(reverse("dashboard:export")).status_code == 404
    assert client.get(reverse("dashboard:export_pdf")).status_code == 404


# --- the cards: print view, workbook and PDF hold the page's figures ------------------------------------


def test_the_change_since_last_month_and_the_month_ends(client, world):
    log_in(client, world["users"]["人事干部"])
    briefing = client.get(at("print")).context["briefing"]
    assert briefing.columns == [dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31), D_APR, D_MAY, D_JUN]
    rows = {row.card.code: row for row in briefing.cards}
    female = rows["female"]
    # May: 1 woman of 5 (20.0%); June: 2 of 6 (33.3%).
    assert [p and p.display for p in female.points] == [None, None, "20.0%", "20.0%", "20.0%", "33.3%"]
    assert female.points[2].as_of == D_MAR  # March's end was not computed: its last computed day stands in
    assert female.change_display == "+13.3 个百分点"
    assert rows["fk_total"].change_display == "+1 人"  # a count: heads
    assert rows["zk_under40"].change_display == NO_CHANGE
    assert [group.title for group in briefing.groups] == [
        "年龄结构", "学历结构", "女干部、党外干部和少数民族干部", "队伍规模"]
    assert len(briefing.cards) == 9
    # The first stored month has nothing before it.
    march = client.get(at("print", D_MAR)).context["briefing"]
    assert {row.change_display for row in march.cards} == {NO_PREVIOUS}


def test_month_ends_before_counts_back_over_the_year_end():
    assert month_ends_before(dt.date(2026, 2, 14), 3) == [dt.date(2025, 11, 30), dt.date(2025, 12, 31),
                                                          dt.date(2026, 1, 31)]


@pytest.mark.parametrize("role", ["人事干部", "科室负责人"])
def test_the_print_view_shows_the_pages_figures(client, world, role):
    log_in(client, world["users"][role])
    cards = page_cards(client)
    response = client.get(at("print"))
    html = response.content.decode()
    assert 'class="sidenav"' not in html and "主导航" not in html  # no navigation
    assert "统计时点 <strong data-testid=\"as-of\">2026-06-30</strong>" in html
    scope = "全局" if role == "人事干部" else "办公室"
    assert f'<strong data-testid="scope">{scope}</strong>' in html
    assert "科级干部队伍建设三年实施意见" in html
    for row in response.context["briefing"].cards:
        card = cards[row.card.code]
        block = re.search(rf'data-testid="brief-{card.code}".*?</article>', html, re.S).group(0)
        assert f'data-testid="value">{card.value_display}' in block
        assert f'data-testid="status">{card.status_label}<' in block
        assert f'data-testid="goal">{card.goal_display or "未设具体数值"}<' in block
        assert (row.card.numerator, row.card.denominator) == (card.numerator, card.denominator)
        assert f'data-testid="change">{row.change_display}<' in block


@pytest.mark.parametrize("role", ["人事干部", "科室负责人"])
def test_the_workbook_holds_the_pages_figures_and_is_audited(client, world, role):
    user = world["users"][role]
    log_in(client, user)
    cards = page_cards(client)
    briefing = client.get(at("print")).context["briefing"]
    response = client.get(at("export"))
    assert response["Content-Disposition"].startswith("attachment")
    rows = workbook_rows(response)
    scope = "全局" if role == "人事干部" else "办公室"
    assert "统计时点 2026-06-30" in rows[0][0] and f"统计范围 {scope}" in rows[0][0]
    assert rows[1] == ("指标", "口径", "分子", "分母", "实际值", "目标", "是否达成", "较上月变化")
    assert len(rows) == 2 + 9
    for line, row in zip(rows[2:], briefing.cards, strict=True):
        card = cards[row.card.code]
        assert line == (card.target.name, row.definition, card.numerator, card.denominator, card.value_display,
                        card.goal_display or "未设具体数值", card.status_label, row.change_display)
    female = next(line for line in rows if line[0] == cards["female"].target.name)
    assert female[1] == "分子：女性科级干部；分母：全部科级干部"
    event = AuditEvent.objects.get(event="export")
    assert (event.user, event.object_type, event.detail["targets"]) == (user, "dashboard.snapshot", 9)
    assert scope in event.detail["report"]


def test_the_department_heads_workbook_sums_their_units_only(client, world):
    log_in(client, world["users"]["科室负责人"])
    rows = {line[0]: line for line in workbook_rows(client.get(at("export")))[2:]}
    female = next(line for name, line in rows.items() if name.startswith("女干部"))
    assert female[2:5] == (1, 3, "33.3%")  # 办公副科 of 办公室 and 档案组; 财务科's two women are not counted
    assert female[7] == NO_CHANGE


def test_the_pdf_holds_the_pages_figures_and_is_audited(client, world, tmp_path):
    user = world["users"]["局领导"]
    log_in(client, user)
    cards = page_cards(client)
    response = client.get(at("export_pdf"))
    text = pdf_text(response, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "结构目标完成情况" in flat and "统计时点2026-06-30" in flat and "统计范围全局" in flat
    assert "科级干部队伍建设三年实施意见" in flat and "第1页，共" in flat
    for card in cards.values():
        assert card.value_display in flat and card.status_label in flat
    assert "+13.3个百分点" in flat and "33.3%" in flat and "2/6人" in flat
    event = AuditEvent.objects.get(event="download")
    assert (event.user, event.object_type, event.outcome) == (user, "dashboard.snapshot", "success")
    assert event.detail["report"] == "结构看板（统计范围：全局）"


def test_a_date_not_stored_falls_back_to_the_latest_and_says_so(client, world):
    log_in(client, world["users"]["人事干部"])
    html = client.get(at("print", dt.date(2026, 6, 15))).content.decode()
    assert "统计时点 2026-06-15 没有保存的统计数据" in html and 'data-testid="as-of">2026-06-30' in html


# --- the drill-down lists as workbooks --------------------------------------------------------------


def drill_names(client, code, part, day=D_JUN) -> list[str]:
    """Every name of the drill-down page, page after page."""
    names, page = [], 1
    while True:
        response = client.get(reverse("dashboard:drilldown", args=[code, part]), {"as_of": f"{day:%Y-%m-%d}",
                                                                                   "page": page})
        names += [cadre.name for cadre in response.context["cadres"]]
        if not response.context["page_obj"].has_next():
            return names
        page += 1


def test_the_drilldown_workbook_has_every_row_of_the_page_not_one_page(client, world):
    staff = world["users"]["人事干部"]
    for i in range(105):
        section_cadre(FU, department=world["finance"], birth=dt.date(1980 + i % 10, 1 + i % 12, 1), name=f"批量{i:03d}")
    log_in(client, staff)
    names = drill_names(client, "fk_under40", "denominator")
    assert len(names) == 4 + 105  # more than a page (100)
    rows = workbook_rows(client.get(at("drilldown_export", D_JUN, "fk_under40", "denominator")))
    assert "全部副科实职干部" in rows[0][0] and "统计时点 2026-06-30" in rows[0][0] and "统计范围 全局" in rows[0][0]
    header = rows[1]
    assert [line[header.index("姓名")] for line in rows[2:]] == names
    assert [line[0] for line in rows[2:]] == list(range(1, 110))


def test_the_drilldown_workbook_holds_the_pages_columns_with_full_numbers_for_personnel_staff(client, world):
    from cadres.models import Cadre

    cadre = Cadre.objects.get(name="办公副科")
    log_in(client, world["users"]["人事干部"])
    rows = workbook_rows(client.get(at("drilldown_export", D_JUN, "female", "numerator")))
    header = rows[1]
    assert header == ("序号", "姓名", "性别", "出生日期", "年龄", "民族", "政治面貌", "全日制学历", "工作单位",
                      "现任职务", "职务层次", "身份证号")
    line = next(line for line in rows[2:] if line[1] == "办公副科")
    assert line[2] == "女" and line[3].date() == dt.date(1975, 1, 1) and line[4] == 51
    assert line[8] == "办公室" and line[10] == "乡科级副职" and line[11] == cadre.id_number
    event = AuditEvent.objects.get(event="export")
    assert event.detail["rows"] == 2 and event.detail["full_id_number"] is True
    assert event.object_type == "cadres.cadre" and event.object_repr == "女性科级干部"
    assert "女干部占科级干部比例·分子" in event.detail["report"] and "2026-06-30" in event.detail["report"]


@pytest.mark.parametrize("role", ["局领导", "科室负责人"])
def test_the_drilldown_workbook_masks_numbers_and_birth_days_without_the_right(client, world, role):
    from cadres.models import Cadre

    cadre = Cadre.objects.get(name="办公副科")
    log_in(client, world["users"][role])
    response = client.get(at("drilldown_export", D_JUN, "female", "numerator"))
    raw = content(response)
    rows = list(load_workbook(io.BytesIO(raw)).active.iter_rows(values_only=True))
    header = rows[1]
    assert "出生年月" in header and "出生日期" not in header
    line = next(line for line in rows[2:] if line[1] == "办公副科")
    assert line[header.index("出生年月")] == "1975.01"
    assert line[header.index("身份证号")] == mask_id_number(cadre.id_number)
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(raw))
    xml = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    assert cadre.id_number not in xml
    assert AuditEvent.objects.get(event="export").detail["full_id_number"] is False


def test_a_department_heads_drilldown_workbook_holds_only_their_units_cadres(client, world):
    log_in(client, world["users"]["科室负责人"])
    for code, part in (("female", "denominator"), ("female", "numerator"), ("fk_total", "numerator")):
        names = drill_names(client, code, part)
        rows = workbook_rows(client.get(at("drilldown_export", D_JUN, code, part)))
        exported = [line[1] for line in rows[2:]]
        assert exported == names
        assert not {name for name in exported if name.startswith("财务")}, exported
        assert "统计范围 办公室" in rows[0][0]
    assert sorted(drill_names(client, "female", "denominator")) == ["办公副科", "办公正科", "档案副科"]


def test_the_ageing_out_workbook_carries_the_age_at_the_plans_end(client, world):
    # 39 on the statistics date, 41 on the plan's end (2027-12-31): past the bound of 40 by then.
    section_cadre(ZHENG, department=world["office"], birth=dt.date(1986, 9, 1), name="将超龄正科")
    log_in(client, world["users"]["人事干部"])
    rows = workbook_rows(client.get(at("drilldown_export", D_JUN, "zk_under40", "aging_out")))
    header = rows[1]
    assert [(line[1], line[header.index("年龄")], line[header.index("期末年龄")]) for line in rows[2:]] == [
        ("将超龄正科", 39, 41)]
    assert [line[1] for line in rows[2:]] == drill_names(client, "zk_under40", "aging_out")


def test_an_unknown_list_is_404_for_the_export_too(client, world):
    log_in(client, world["users"]["人事干部"])
    assert client.get(at("drilldown_export", D_JUN, "fk_total", "denominator")).status_code == 404
    assert client.get(at("drilldown_export", D_JUN, "nothing", "numerator")).status_code == 404
    assert not AuditEvent.objects.filter(event="export").exists()


def test_a_formula_in_a_name_is_written_as_text(client, world):
    section_cadre(FU, department=world["office"], gender="2", name="=1+2")
    log_in(client, world["users"]["人事干部"])
    rows = workbook_rows(client.get(reverse("dashboard:drilldown_export", args=["female", "numerator"])))
    assert "=1+2" in [line[1] for line in rows[2:]]


# --- query counts -----------------------------------------------------------------------------------


def _grow(snapshots: int, departments: int, cadres: int, parent=None) -> None:
    depts = [DepartmentFactory(parent=parent) for _ in range(departments)]
    for i in range(cadres):
        section_cadre(ZHENG if i % 3 == 0 else FU, department=depts[i % departments],
                      birth=dt.date(1970 + i % 30, 1 + i % 12, 1), bachelor=i % 2 == 0, gender=str(1 + i % 2))
    for n in range(snapshots):
        snapshot_compute(as_of=dt.date(2026, 1, 1) + dt.timedelta(days=7 * n))


# Print view: session, user, OTP device, user and group permissions; the plan, its snapshots, its targets,
# every stored figure of the plan for the scope (one grouped query); the scope's departments (科室负责人) or
# the count of account changes awaiting a 局领导 (a context processor); the session's save (savepoint,
# update, release). Workbook and PDF: the same reads (no account-change count: no template with the
# context), then the audit row. Drill-down workbook: session, user, OTP device, permissions; the plan, its
# targets, the latest snapshot's date; the cadres (with their department and the level held that day; the
# user's scope is a subquery) and their educations (one query per 2,000 cadres); the scope's departments
# (科室负责人, for the heading); the audit row; the session's save.
@pytest.mark.parametrize(("role", "print_view", "export", "drilldown"),
                         [("人事干部", 12, 13, 14), ("局领导", 13, 13, 14), ("科室负责人", 13, 14, 15)])
def test_the_outputs_cost_the_same_queries_whatever_the_snapshots_departments_and_cadres(
        client, django_assert_num_queries, role, print_view, export, drilldown):
    granted = DepartmentFactory(name="授权单位")
    user = role_user(role, departments=[granted] if role == "科室负责人" else ())
    log_in(client, user)
    _grow(1, 1, 3, parent=granted)
    drill = reverse("dashboard:drilldown_export", args=["fk_under40", "denominator"])
    sizes = []
    for _ in range(2):
        with django_assert_num_queries(print_view):
            printed = client.get(reverse("dashboard:print"))
        with django_assert_num_queries(export):
            assert client.get(reverse("dashboard:export")).status_code == 200
        with django_assert_num_queries(export):
            assert client.get(reverse("dashboard:export_pdf")).status_code == 200
        with django_assert_num_queries(drilldown):
            response = client.get(drill)
        sizes.append((sum(row.card.numerator for row in printed.context["briefing"].cards),
                      len(workbook_rows(response))))
        _grow(12, 15, 90, parent=granted)
        _grow(0, 10, 40)
    assert sizes[1][0] > sizes[0][0] and sizes[1][1] > sizes[0][1] + 50


def test_the_messages_are_the_views_own():
    assert views.NOTHING_STORED == "尚未生成统计数据，无法打印或导出。"
