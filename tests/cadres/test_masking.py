"""Masking that cannot be undone (docs/security.md item 31).

For every role without the full-ID right, a masked number together with everything else the
same row shows (出生年月, 性别, 年龄 on the day shown) must leave at least ten possible ID numbers.
The attack that found the hole completed 300 of 300 demo numbers: the mask kept the region and
the last four characters and hid only the birth date, which the roster showed in full beside it.
These tests try to complete every number an export, a roster page and a record page give such
a role, on the demo roster, and fail where fewer than ten candidates remain.
"""

import calendar
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre_office.dates import age_on
from cadres.codes import Gender
from cadres.idnumbers import check_digit, make_id_number
from tests.factories import log_in, role_user

MIN_CANDIDATES = 10
CHEAP_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MALE, FEMALE = "男", "女"


def completions(masked: str, *, birth: str, gender: str, age: int | None = None, on: dt.date | None = None,
                limit: int = MIN_CANDIDATES) -> int:
    """Count the valid ID numbers (up to ``limit``) that agree with what a row shows of one person.

    ``birth`` is what the row shows of the birth date (2014-05-03 or 2014.05); ``age`` the full
    years shown for day ``on``. Every character the mask leaves is a constraint, as are the
    birth date (digits 7–14), the gender (digit 17's parity) and the check character (digit 18).
    """
    assert len(masked) == 18, masked
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", birth):
        days = [dt.date.fromisoformat(birth)]
    else:
        year, month = (int(part) for part in birth.split("."))
        days = [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
    if age is not None:
        days = [day for day in days if age_on(day, on) == age]
    parity = 1 if gender == MALE else 0
    shown = {index: char for index, char in enumerate(masked) if char != "*"}
    found = 0
    for region in [masked[:6]] if "*" not in masked[:6] else []:
        for day in days:
            for sequence in range(1000):
                if sequence % 2 != parity:
                    continue
                first17 = f"{region}{day:%Y%m%d}{sequence:03d}"
                number = first17 + check_digit(first17)
                if all(number[index] == char for index, char in shown.items()):
                    found += 1
                    if found >= limit:
                        return found
    return found


def test_the_check_fails_the_old_mask_beside_a_full_or_monthly_birth_date():
    """The checker itself can fail: the old mask (first 6, last 4) is completed from the row."""
    number = make_id_number("110105", dt.date(1987, 7, 15), 3, Gender.MALE)
    old_mask = number[:6] + "********" + number[-4:]
    assert completions(old_mask, birth="1987-07-15", gender=MALE) == 1
    assert completions(old_mask, birth="1987.07", gender=MALE) < MIN_CANDIDATES


def test_the_new_mask_leaves_many_candidates_even_when_the_day_is_known():
    number = make_id_number("110105", dt.date(1987, 7, 15), 3, Gender.MALE)
    masked = number[:6] + "*" * 11 + number[-1]
    assert completions(masked, birth="1987-07-15", gender=MALE, limit=1000) >= 30


# --- the demo roster, as each role without the right sees it ----------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo roster, imported once for the module (rolled back at the end)."""
    from cadre_office.history import service_account
    from cadres.demo import demo_roster
    from cadres.models import Department
    from cadres.roster_workbook import ParsedRoster
    from cadres.services import apply_roster_import, plan_roster_import
    from cadres.services.demo import ensure_departments

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=CHEAP_HASHERS), transaction.atomic():
        actor = service_account("seed_demo")
        ensure_departments(actor=actor)
        apply_roster_import(plan_roster_import(ParsedRoster(rows=demo_roster())), actor=actor, source="演示数据")
        office = Department.objects.get(name="办公室")
        yield {"office": office}
        transaction.set_rollback(True)


def _user(role, demo):
    departments = [demo["office"]] if role == "科室负责人" else []
    return role_user(role, departments=departments)


def _assert_uncompletable(rows, *, on):
    """``rows`` are dicts of header -> shown text; each must leave at least ten candidate numbers."""
    rows = list(rows)
    assert rows, "nothing to check"
    completed = []
    for row in rows:
        number = row["身份证号"]
        birth = row.get("出生年月") or row.get("出生日期")
        assert "*" in number, f"a full number is shown: {row}"
        age = int(row["年龄"]) if row.get("年龄") not in (None, "") else None
        if completions(number, birth=str(birth), gender=row["性别"], age=age, on=on) < MIN_CANDIDATES:
            completed.append(row)
    assert completed == [], f"{len(completed)} of {len(rows)} rows can be completed, e.g. {completed[:3]}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["局领导", "科室负责人"])
def test_no_number_of_a_roster_export_can_be_completed_from_its_row(client, demo, role):
    log_in(client, _user(role, demo))
    response = client.get(reverse("cadres:cadre_export"), {"status": "all"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(cell) for cell in values[0]]
    # The title row, if any, comes before the headers.
    start = next(index for index, row in enumerate(values) if row and "身份证号" in [str(c) for c in row])
    header = [str(cell) for cell in values[start]]
    assert "出生日期" not in header  # the full birth date goes only beside the full number
    rows = [dict(zip(header, ["" if c is None else str(c) for c in row], strict=False))
            for row in values[start + 1:] if row and row[0] is not None]
    assert len(rows) >= (15 if role == "科室负责人" else 250)
    _assert_uncompletable(rows, on=timezone.localdate())


class _TableParser(HTMLParser):
    """Collect the header and body cells of the page's first table with a 身份证号 column."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.row, self.in_cell = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell, self.in_cell = [], True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.in_cell:
            self.row.append("".join(self.cell).strip())
            self.in_cell = False
        elif tag == "tr" and self.row is not None and self.tables:
            self.tables[-1].append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.in_cell:
            self.cell.append(data)


def _page_rows(html: str) -> list[dict]:
    parser = _TableParser()
    parser.feed(html)
    for table in parser.tables:
        if table and "身份证号" in table[0]:
            header = table[0]
            return [dict(zip(header, row, strict=False)) for row in table[1:] if len(row) == len(header)]
    raise AssertionError("no table with a 身份证号 column")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["局领导", "科室负责人", "纪检监察"])
def test_no_number_on_a_roster_page_can_be_completed_from_its_row(client, demo, role):
    log_in(client, _user(role, demo))
    response = client.get(reverse("cadres:cadre_list"), {"status": "all", "per_page": 200})
    rows = _page_rows(response.content.decode())
    _assert_uncompletable(rows, on=timezone.localdate())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["局领导", "科室负责人", "纪检监察"])
def test_the_record_page_shows_the_birth_month_beside_the_masked_number(client, demo, role):
    from cadres.models import Cadre

    log_in(client, _user(role, demo))
    cadre = Cadre.objects.filter(department=demo["office"]).order_by("pk").first()
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert cadre.masked_id_number in html and cadre.id_number not in html
    assert f"{cadre.birth_date:%Y.%m}" in html
    assert f"{cadre.birth_date:%Y-%m-%d}" not in html
    assert completions(cadre.masked_id_number, birth=f"{cadre.birth_date:%Y.%m}",
                       gender=cadre.get_gender_display(), age=age_on(cadre.birth_date, timezone.localdate()),
                       on=timezone.localdate()) >= MIN_CANDIDATES


@pytest.mark.django_db
def test_personnel_staff_still_see_full_birth_dates(client, demo):
    from cadres.models import Cadre

    log_in(client, role_user("人事干部"))
    cadre = Cadre.objects.order_by("pk").first()
    html = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert f"{cadre.birth_date:%Y-%m-%d}" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["局领导", "科室负责人", "纪检监察"])
def test_a_role_without_the_right_cannot_search_by_id_number(client, demo, role):
    """Each search by a guessed number would confirm or refute it: an oracle that completes the mask."""
    from cadres.models import Cadre

    log_in(client, _user(role, demo))
    cadre = Cadre.objects.filter(department=demo["office"]).order_by("pk").first()
    for q in (cadre.id_number, cadre.id_number[:14], cadre.id_number[6:14]):
        response = client.get(reverse("cadres:cadre_list"), {"q": q, "status": "all"})
        assert response.context["paginator"].count == 0, q
    log_in(client, role_user("人事干部"))
    response = client.get(reverse("cadres:cadre_list"), {"q": cadre.id_number, "status": "all"})
    assert response.context["paginator"].count == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["局领导", "科室负责人"])
def test_no_number_of_a_dashboard_drilldown_can_be_completed_even_with_the_exact_birth_day(client, demo, role):
    """A drill-down takes any date, so its age column can pin the birth day; the mask must hold all the same."""
    log_in(client, _user(role, demo))
    as_of = dt.date(2026, 12, 31)
    url = reverse("dashboard:drilldown", args=["fk_under40", "denominator"]) + f"?as_of={as_of:%Y-%m-%d}"
    response = client.get(url)
    assert response.status_code == 200
    rows = _page_rows(response.content.decode())
    for row in rows:
        month = row.get("出生年月")
        assert month and re.fullmatch(r"\d{4}\.\d{2}", month), row
        # The worst case for the mask: the attacker has found the exact day by moving the date.
        row["出生年月"] = f"{month.replace('.', '-')}-15"
    _assert_uncompletable(rows, on=as_of)
