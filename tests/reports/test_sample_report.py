"""The public sample imported into an empty database gives exactly ``roster_sample_report.json``.

The rows come from ``sample_roster.py`` (a copy of the sample's columns that the tables read) and go
through the roster importer, as ``import_roster ../shared/samples/roster_sample.xlsx`` would; the
expected object is the published file's one object, copied below (the tests never read ../shared).
"""

import io
import json

import pytest
from django.core.management import call_command

from cadres.roster_workbook import read_roster
from cadres.services import apply_roster_import, plan_roster_import
from tests.cadres.workbooks import build_roster
from tests.factories import UserFactory
from tests.reports.sample_roster import HEADERS, ROWS

pytestmark = pytest.mark.django_db

# roster_sample_report.json, as published (a list holding this one object).
SAMPLE_REPORT = {
    "month": "2026-12", "as_of": "2026-12-31",
    "structure": {
        "正科": {"total": 47,
               "age": {"30岁及以下": 2, "31至35岁": 7, "36至40岁": 13, "41至45岁": 8, "46至50岁": 7, "51至55岁": 5,
                       "56岁及以上": 5},
               "education_full_time": {"研究生": 14, "大学本科": 15, "大学专科": 10, "其他": 8},
               "education_highest": {"研究生": 20, "大学本科": 15, "大学专科": 7, "其他": 5},
               "female": 21, "minority": 9, "non_party": 5},
        "副科": {"total": 70,
               "age": {"30岁及以下": 8, "31至35岁": 11, "36至40岁": 18, "41至45岁": 9, "46至50岁": 7, "51至55岁": 6,
                       "56岁及以上": 11},
               "education_full_time": {"研究生": 18, "大学本科": 24, "大学专科": 12, "其他": 16},
               "education_highest": {"研究生": 29, "大学本科": 27, "大学专科": 7, "其他": 7},
               "female": 22, "minority": 16, "non_party": 13},
    },
    "new_posts": {"正科": 1, "副科": 2},
}


def test_the_public_sample_gives_the_published_report():
    parsed = read_roster(io.BytesIO(build_roster([dict(zip(HEADERS, row, strict=True)) for row in ROWS], HEADERS)))
    assert [str(e) for e in parsed.errors] == []
    plan = plan_roster_import(parsed)
    assert [str(e) for e in plan.errors] == []
    apply_roster_import(plan, actor=UserFactory())
    out = io.StringIO()
    call_command("monthly_report", "--month", "2026-12", "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue()) == SAMPLE_REPORT
