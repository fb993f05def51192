"""Fixtures of the report archive's tests: a fast stand-in for the files' build, reports in each state."""

import datetime as dt

import pytest

from cadre_office.reports.monthly import BuiltReport
from cadre_office.reports.structure import monthly_report_figures

NOVEMBER = dt.date(2026, 11, 1)
XLSX_BYTES = b"PK\x03\x04 stand-in workbook"
PDF_BYTES = b"%PDF-1.7 stand-in"


@pytest.fixture
def fake_build(monkeypatch):
    """Replace ``build_files`` by one that returns the real figures and small stand-in files; record its calls.

    The real workbook and PDF are built in the command's and the journey's tests; here the archive's
    states and versions are the point, and WeasyPrint would cost seconds a build.
    """
    calls = []

    def build(month, *, departments=None, scope_label="全局", progress=None):
        calls.append((month, departments, scope_label))
        if progress:
            progress("统计", 1, 2)
            progress("文件", 2, 2)
        return BuiltReport(figures=monthly_report_figures(month, departments=departments),
                           xlsx=XLSX_BYTES + str(len(calls)).encode(), pdf=PDF_BYTES + str(len(calls)).encode())

    monkeypatch.setattr("cadre_office.reports.services.build_files", build)
    return calls
