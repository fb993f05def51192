"""python manage.py compute_dashboard --as-of YYYY-MM-DD [--json] (docs/roster-format.md)."""

import datetime as dt
import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from cadre_office.audit.context import audit_source
from cadre_office.dashboard import selectors, services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "按统计时点重新计算并保存结构看板（与夜间任务相同的代码）；--json 输出全局指标。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=_date, help="统计时点，如 2026-12-31")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出全局各项指标")

    def handle(self, *args, as_of, **options):
        try:
            with audit_source("command:compute_dashboard"):
                snapshot = services.snapshot_compute(as_of=as_of, source="command")
        except LookupError as exc:
            raise CommandError(f"尚未设置实施意见（规划）：{exc}") from None
        report = selectors.snapshot_report(snapshot)
        if options["json"]:
            self.stdout.write(_dumps(report))
            return
        self.stdout.write(f"统计时点 {as_of:%Y-%m-%d}，{snapshot.plan.name}：")
        for row in report["targets"]:
            figure = f"{row['numerator']}/{row['denominator']}" if row["denominator"] is not None else row["numerator"]
            self.stdout.write(f"  {row['code']:<22}{figure}")


def _dumps(report) -> str:
    return jsonlib.dumps(report, ensure_ascii=False)
