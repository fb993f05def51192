"""Dates recorded to the month (入党时间 2014.05): stored with their precision, shown as 2014.05 everywhere."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from cadres.dates import BAD_DATE, DatePrecision, MonthDate, format_precise, parse_precise
from cadres.models import Cadre, PostAssignment
from cadres.roster_workbook import read_roster
from cadres.selectors import cadre_history
from cadres.services import apply_roster_import, cadre_update, plan_roster_import, post_start, roster_export
from tests.cadres.workbooks import build_roster, valid_row
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db
MONTH, DAY = DatePrecision.MONTH, DatePrecision.DAY



@pytest.mark.parametrize(("text", "expected"), [
    ("2014.05", MonthDate(2014, 5)), ("2014-05", MonthDate(2014, 5)), ("2014.5", MonthDate(2014, 5)),
    ("2014.05.01", dt.date(2014, 5, 1)), ("2014-05-01", dt.date(2014, 5, 1)), ("2014/5/1", dt.date(2014, 5, 1)),
    ("20140501", dt.date(2014, 5, 1)), ("", None),
])
def test_both_forms_are_read_and_keep_their_precision(text, expected):
    value = parse_precise(text)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("text", ["2014", "2014.13", "2014-02-30", "五月"])
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_precise(text)


def test_a_month_date_is_written_as_offices_write_it_and_stored_as_the_first():
    assert (format_precise(MonthDate(2014, 5)), format_precise(dt.date(2014, 5, 1))) == ("2014.05", "2014-05-01")
    assert format_precise(dt.date(2014, 5, 1), MONTH) == "2014.05"
    assert str(MonthDate(2014, 5)) == "2014-05-01"  # what database adapters write


def _edit_data(client, cadre, **changes):
    form = client.get(reverse("cadres:cadre_update", args=[cadre.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "photo"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    return {k: (format_precise(v) if isinstance(v, dt.date) else v) for k, v in data.items()} | changes  # as shown


def test_the_edit_form_takes_a_month_and_the_record_page_shows_it_to_the_month(staff_client):
    cadre = CadreFactory()
    url = reverse("cadres:cadre_update", args=[cadre.pk])
    response = staff_client.post(url, _edit_data(staff_client, cadre, party_join_date="2014.05",
                                                 work_start_date="2008-07-15"))
    assert response.status_code == 302, response.context["form"].errors
    cadre.refresh_from_db()
    assert (cadre.party_join_date, cadre.party_join_date_precision) == (dt.date(2014, 5, 1), MONTH)
    assert (cadre.work_start_date, cadre.work_start_date_precision) == (dt.date(2008, 7, 15), DAY)

    page = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).text
    assert 'data-testid="party-join-date">2014.05<' in page and "2014-05-01" not in page
    assert 'data-testid="work-start-date">2008-07-15<' in page
    # The form shows each as it was recorded, and saving it unchanged changes nothing.
    form = staff_client.get(url).context["form"]
    assert 'value="2014.05"' in str(form["party_join_date"]) and 'value="2008-07-15"' in str(form["work_start_date"])
    entries = len(cadre_history(cadre))
    assert staff_client.post(url, _edit_data(staff_client, cadre)).status_code == 302
    assert len(cadre_history(cadre)) == entries


def test_a_month_recorded_again_to_the_day_is_a_change_the_history_shows(staff, staff_client):
    cadre = CadreFactory()
    cadre_update(actor=staff, cadre=cadre, data={"party_join_date": MonthDate(2014, 5)})
    cadre_update(actor=staff, cadre=Cadre.objects.get(pk=cadre.pk), data={"party_join_date": dt.date(2014, 5, 1)})
    changes = [change for entry in cadre_history(cadre) for change in entry.changes]
    assert ("入党时间", "（空）", "2014.05") in changes
    assert ("入党时间", "2014.05", "2014-05-01") in changes


def test_a_wrong_date_is_refused_with_what_to_type(staff_client):
    cadre = CadreFactory()
    response = staff_client.post(reverse("cadres:cadre_update", args=[cadre.pk]),
                                 _edit_data(staff_client, cadre, party_join_date="2014年"))
    assert response.context["form"].errors["party_join_date"] == [BAD_DATE]


def test_a_post_started_in_a_month_shows_to_the_month_in_its_tab_and_as_the_current_post(staff_client):
    cadre = CadreFactory()
    response = staff_client.post(reverse("cadres:post_create", args=[cadre.pk]), {
        "department": cadre.department_id, "title": "科长", "level": "51", "start_date": "2021.03"})
    assert response.status_code == 302, response.context["form"].errors
    post = PostAssignment.objects.get(cadre=cadre)
    assert (post.start_date, post.start_date_precision) == (dt.date(2021, 3, 1), MONTH)
    cadre.refresh_from_db()
    assert cadre.current_post_start_precision == MONTH
    page = staff_client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).text
    assert "2021.03 起" in page and "2021-03-01" not in page
    edit = staff_client.get(reverse("cadres:post_update", args=[cadre.pk, post.pk])).context["form"]
    assert 'value="2021.03"' in str(edit["start_date"])


def test_the_import_records_a_year_month_to_the_month_and_the_export_writes_it_back(staff):
    rows = [valid_row(0, 入党时间="2010.07", 任现职时间="2020.01", 任现职级时间="2019-06-01")]
    parsed = read_roster(io.BytesIO(build_roster(rows)))
    apply_roster_import(plan_roster_import(parsed), actor=staff)
    cadre = Cadre.objects.get()
    assert (cadre.party_join_date, cadre.party_join_date_precision) == (dt.date(2010, 7, 1), MONTH)
    assert cadre.work_start_date_precision == DAY  # 2008.07.01, a full date
    assert (cadre.current_post_start_precision, cadre.current_rank_start_precision) == (MONTH, DAY)
    assert cadre.posts.get().start_date_precision == MONTH

    export = roster_export(actor=staff, data={})
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("入党时间")] == "2010.07" and row[header.index("任现职时间")] == "2020.01"
    assert row[header.index("参加工作时间")] == dt.datetime(2008, 7, 1)  # to the day: a date cell
    # The export reads back as the same roster: nothing to change.
    again = plan_roster_import(read_roster(io.BytesIO(export.content)))
    assert again.counts["changed"] == 0 and again.counts["unchanged"] == 1


def test_a_workbook_giving_the_day_for_a_month_on_record_is_a_change(staff):
    apply_roster_import(plan_roster_import(read_roster(io.BytesIO(build_roster([valid_row(0)])))), actor=staff)
    plan = plan_roster_import(read_roster(io.BytesIO(build_roster([valid_row(0, 入党时间="2010-07-01")]))))
    [row] = plan.of_kind("changed")
    assert [(c.label, c.old, c.new) for c in row.changes] == [("入党时间", "2010.07", "2010-07-01")]


def test_the_migration_takes_day_one_party_and_work_dates_and_imported_post_starts_as_months(staff):
    migration = importlib.import_module("cadres.migrations.0007_month_precision_dates")
    imported = CadreFactory(party_join_date=dt.date(2010, 7, 1), work_start_date=dt.date(2008, 7, 15))
    by_import = post_start(actor=staff, cadre=imported, department=imported.department, title="科长", level="51",
                           start_date=dt.date(2020, 1, 1), reason="花名册导入")
    other = CadreFactory()
    by_hand = post_start(actor=staff, cadre=other, department=other.department, title="科长", level="51",
                         start_date=dt.date(2020, 1, 1))
    migration.mark_month_precision(apps, None)
    imported.refresh_from_db()
    assert (imported.party_join_date_precision, imported.work_start_date_precision) == (MONTH, DAY)
    assert imported.current_post_start_precision == MONTH
    by_import.refresh_from_db()
    by_hand.refresh_from_db()
    assert (by_import.start_date_precision, by_hand.start_date_precision) == (MONTH, DAY)
    assert Cadre.objects.get(pk=other.pk).current_post_start_precision == DAY
    rows = Cadre.history.filter(id=imported.pk)
    assert {row.party_join_date_precision for row in rows} == {MONTH}  # the history shows no change of precision


# --- the day before a month (cadres 0009) ---------------------------------------------------------


def test_arithmetic_on_a_month_gives_a_plain_date():
    month = MonthDate(2018, 12)
    assert month - dt.timedelta(days=1) == dt.date(2018, 11, 30)
    assert type(month - dt.timedelta(days=1)) is dt.date
    assert month + dt.timedelta(days=40) == dt.timedelta(days=40) + month == dt.date(2019, 1, 10)
    assert month - dt.date(2018, 11, 1) == dt.timedelta(days=30)


def test_a_post_started_in_a_month_ends_the_open_one_on_the_last_day_of_the_month_before(staff_client):
    cadre = CadreFactory()
    url = reverse("cadres:post_create", args=[cadre.pk])
    staff_client.post(url, {"department": cadre.department_id, "title": "科员", "start_date": "2015.07"})
    staff_client.post(url, {"department": cadre.department_id, "title": "副科长", "level": "52",
                            "start_date": "2018.12"})
    first = PostAssignment.objects.get(cadre=cadre, title="科员")
    assert first.end_date == dt.date(2018, 11, 30)


def test_the_migration_puts_right_an_end_on_the_first_of_the_month_before(staff):
    from cadres.models import RankAssignment

    migration = importlib.import_module("cadres.migrations.0009_repair_month_end_dates")
    cadre, other = CadreFactory(), CadreFactory()
    first = post_start(actor=staff, cadre=cadre, department=cadre.department, title="科员",
                       start_date=MonthDate(2015, 7))
    post_start(actor=staff, cadre=cadre, department=cadre.department, title="副科长", level="52",
               start_date=MonthDate(2018, 12))
    rank = RankAssignment.objects.create(cadre=cadre, rank="08", start_date=dt.date(2016, 1, 1),
                                         end_date=dt.date(2019, 5, 1))
    RankAssignment.objects.create(cadre=cadre, rank="07", start_date=dt.date(2019, 6, 1), start_date_precision=MONTH)
    # Ended on the 1st of a month by hand, its successor to the day: left alone.
    kept = post_start(actor=staff, cadre=other, department=other.department, title="科员",
                      start_date=dt.date(2015, 7, 1))
    post_start(actor=staff, cadre=other, department=other.department, title="副科长", start_date=dt.date(2018, 12, 1))
    PostAssignment.objects.filter(pk=first.pk).update(end_date=dt.date(2018, 11, 1))  # as the old arithmetic did
    PostAssignment.objects.filter(pk=kept.pk).update(end_date=dt.date(2018, 11, 1))

    migration.repair_end_dates(apps, None)

    first.refresh_from_db()
    rank.refresh_from_db()
    kept.refresh_from_db()
    assert (first.end_date, rank.end_date, kept.end_date) == (
        dt.date(2018, 11, 30), dt.date(2019, 5, 31), dt.date(2018, 11, 1))
    latest = first.history.order_by("-history_id").first()
    assert (latest.end_date, latest.history_user.username, latest.history_change_reason) == (
        dt.date(2018, 11, 30), "migrate", migration.REASON)
