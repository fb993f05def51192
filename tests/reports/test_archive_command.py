"""``monthly_report`` without ``--json``: the month's real workbook and PDF built into the archive, no worker.

The files are the real ones (openpyxl writes, WeasyPrint renders); their content is the other part's
(``reports.monthly``), here it is that they are stored as a version, under our names, with the figures
``--json`` prints.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cadre_office.reports import messages, services
from cadre_office.reports.models import MonthlyReport
from cadres.codes import LeadershipLevel
from tests.factories import CadreFactory, DepartmentFactory, PostFactory, role_user

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("monthly_report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_builds_the_files_into_the_archive_and_says_what_it_stored():
    office = DepartmentFactory(name="办公室")
    PostFactory(cadre=CadreFactory(department=office), level=LeadershipLevel.TOWNSHIP_CHIEF, title="科长",
                start_date=dt.date(2020, 1, 1))
    out, err = run("--month", "2026-11")

    report = MonthlyReport.objects.get()
    assert (report.month, report.department, report.version, report.state) == (
        dt.date(2026, 11, 1), None, 1, MonthlyReport.State.READY)
    assert report.requested_by is None
    assert report.xlsx.read()[:2] == b"PK" and report.pdf.read()[:5] == b"%PDF-"
    assert out == ""
    assert "2026年11月科级干部月报（全局）第1版" in err
    assert "reports/2026/2026-11-全局-v1.xlsx" in err and "reports/2026/2026-11-全局-v1.pdf" in err
    json_out, _ = run("--month", "2026-11", "--json")
    assert report.figures == json.loads(json_out)  # the files' figures are --json's

    services.monthly_report_mark_reported(report=report, user=role_user("人事干部"))
    _, err = run("--month", "2026-11")
    assert "第2版" in err and "2026-11-全局-v2.xlsx" in err
    assert MonthlyReport.objects.filter(state=MonthlyReport.State.REPORTED).count() == 1


def test_department_limits_the_report_and_json_to_the_units_subtree():
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    PostFactory(cadre=CadreFactory(department=archive), level=LeadershipLevel.TOWNSHIP_DEPUTY, title="副组长",
                start_date=dt.date(2020, 1, 1))
    PostFactory(cadre=CadreFactory(department=DepartmentFactory(name="财务科")),
                level=LeadershipLevel.TOWNSHIP_DEPUTY, title="副科长", start_date=dt.date(2020, 1, 1))
    json_out, _ = run("--month", "2026-11", "--json", "--department", str(office.pk))
    assert json.loads(json_out)["structure"]["副科"]["total"] == 1
    json_out, _ = run("--month", "2026-11", "--json")
    assert json.loads(json_out)["structure"]["副科"]["total"] == 2  # unchanged without --department

    _, err = run("--month", "2026-11", "--department", str(office.pk))
    report = MonthlyReport.objects.get()
    assert report.department == office and report.figures["structure"]["副科"]["total"] == 1
    assert f"2026-11-单位{office.pk}-v1.xlsx" in err


def test_the_command_refuses_an_unknown_unit_and_a_month_not_begun():
    with pytest.raises(CommandError, match="没有编号为 999999 的单位"):
        run("--month", "2026-11", "--department", "999999")
    with pytest.raises(CommandError, match=messages.MONTH_IN_FUTURE):
        run("--month", "2999-01")
    assert not MonthlyReport.objects.exists()
