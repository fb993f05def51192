"""python manage.py retirement_due --as-of YYYY-MM-DD --months M [--json] (docs/reports.md section 1).

Standard output holds only the result (with ``--json``, exactly one JSON object); the summary
goes to standard error. Full ID numbers: the command is the operator's, on the server.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from cadres.filters import MAX_DUE_MONTHS
from cadres.selectors import retirement_due_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def _months(value: str) -> int:
    try:
        months = int(value)
    except ValueError:
        raise CommandError(f"月数应为整数：{value}") from None
    if not 0 <= months <= MAX_DUE_MONTHS:
        raise CommandError(f"月数应在 0 至 {MAX_DUE_MONTHS} 之间：{value}")
    return months


class Command(BaseCommand):
    help = "列出截至某日在职、法定退休时间已过或在其后 M 个月内的人员；--json 按 docs/reports.md 输出。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=_date, help="截至日期，如 2026-12-31")
        parser.add_argument("--months", type=_months, default=12, help="其后的月数（默认 12）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, as_of, months, **options):
        report = retirement_due_report(as_of=as_of, months=months)
        cadres = report["cadres"]
        overdue = sum(1 for row in cadres if row["overdue"])
        self.stderr.write(f"截至 {as_of:%Y-%m-%d}：已超期 {overdue} 人，"
                          f"其后 {months} 个月内到龄 {len(cadres) - overdue} 人。")
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        for row in sorted(cadres, key=lambda row: (row["retire_month"], row["id_number"])):
            self.stdout.write(f"{row['id_number']}  {row['name']}  {row['retire_month']}"
                              + ("  已超期" if row["overdue"] else ""))
