"""python manage.py monthly_report --month YYYY-MM [--json] (docs/reports.md section 2, REPORTS_FORMAT.md).

With ``--json`` standard output holds exactly one JSON object, the figures of the month's
structure tables; the summary goes to standard error. Without it the command would build the
month's Excel and PDF files into the report archive: that is not built yet (issue 15), so the
command says so and fails rather than pretend.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from cadre_office.reports.structure import monthly_report_figures

NOT_YET_AVAILABLE = "生成月度报表文件（Excel、PDF 存入报表档案）的功能尚未实现；目前只能加 --json 输出报表数字。"


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"月份格式应为 YYYY-MM：{value}") from None


class Command(BaseCommand):
    help = "月度报表：统计时点为该月最后一天；--json 按 docs/reports.md 输出结构表的数字。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, type=_month, help="统计月份，如 2026-12")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报表数字")

    def handle(self, *args, month, **options):
        if not options["json"]:
            raise CommandError(NOT_YET_AVAILABLE)
        report = monthly_report_figures(month)
        tables, new = report["structure"], report["new_posts"]
        self.stderr.write(f"统计时点 {report['as_of']}：正科 {tables['正科']['total']} 人，"
                          f"副科 {tables['副科']['total']} 人；当月新任正科 {new['正科']} 人，副科 {new['副科']} 人。")
        self.stdout.write(json.dumps(report, ensure_ascii=False))
