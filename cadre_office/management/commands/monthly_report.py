"""python manage.py monthly_report --month YYYY-MM [--department ID] [--json] (docs/reports.md section 2).

With ``--json`` standard output holds exactly one JSON object, the figures of the month's structure
tables (REPORTS_FORMAT.md); the summary goes to standard error. Without it the command builds the
month's Excel and PDF files into the report archive through the same service as the page and the
monthly beat (``reports.services``), synchronously, with no worker needed: the open version of the
month and scope is rebuilt in place, or, when the latest is 已报送, a new version is made beside it.
What was stored (version, file names) is written to standard error. ``--department`` limits either
to one unit and its sub-units (default: the whole bureau).
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from cadre_office.audit.context import audit_source
from cadre_office.reports import services
from cadre_office.reports.structure import monthly_report_figures
from cadres.models import Department


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"月份格式应为 YYYY-MM：{value}") from None


class Command(BaseCommand):
    help = ("月度报表：统计时点为该月最后一天。生成 Excel 和 PDF 存入报表档案；"
            "--json 按 docs/reports.md 输出结构表的数字。")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, type=_month, help="统计月份，如 2026-12")
        parser.add_argument("--department", type=int, help="单位编号：只统计该单位及其下级单位（默认全局）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报表数字，不生成文件")

    def handle(self, *args, month, department, **options):
        unit = None
        if department is not None:
            unit = Department.objects.filter(pk=department).first()
            if unit is None:
                raise CommandError(f"没有编号为 {department} 的单位。")
        if options["json"]:
            self._json(month, unit)
        else:
            self._build(month, unit)

    def _json(self, month: dt.date, unit) -> None:
        report = monthly_report_figures(month, departments=None if unit is None else [unit])
        tables, new = report["structure"], report["new_posts"]
        self.stderr.write(f"统计时点 {report['as_of']}：正科 {tables['正科']['total']} 人，"
                          f"副科 {tables['副科']['total']} 人；当月新任正科 {new['正科']} 人，副科 {new['副科']} 人。")
        self.stdout.write(json.dumps(report, ensure_ascii=False))

    def _build(self, month: dt.date, unit) -> None:
        with audit_source("command:monthly_report"):
            try:
                report = services.monthly_report_request(month=month, department=unit, user=None, enqueue=False)
            except services.ReportError as exc:
                raise CommandError(exc.message) from None
            report = services.monthly_report_build(report_id=report.pk)
        label = services.report_label(report)
        if report.state != services.State.READY:
            raise CommandError(f"{label}未能生成（{report.get_state_display()}）：{report.error}")
        self.stderr.write(f"{label}已存入报表档案（编号 {report.pk}）：{report.xlsx.name}，{report.pdf.name}")
