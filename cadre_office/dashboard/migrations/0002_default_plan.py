"""The bureau's three-year implementation opinion and its targets (docs/definitions.md).

Goals the plan leaves without a number ("一定比例", the redacted total N) are empty; the
bureau fills them in on the targets page. The period is editable too.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

TARGETS = [
    # code, name, kind, goal, age bound
    ("zk_under40", "40岁及以下正科实职干部占比", "ratio", Decimal("0.35"), 40),
    ("fk_under40", "40岁及以下副科实职干部占比", "ratio", Decimal("0.89"), 40),
    ("zk_under40_bachelor", "40岁及以下正科实职中全日制本科及以上占比", "ratio", Decimal("0.43"), 40),
    ("fk_under40_bachelor", "40岁及以下副科实职中全日制本科及以上占比", "ratio", Decimal("0.52"), 40),
    ("female", "女干部占科级干部比例", "ratio", Decimal("0.25"), None),
    ("non_party", "党外干部占科级干部比例", "ratio", None, None),
    ("minority", "少数民族干部占科级干部比例", "ratio", None, None),
    ("zk_around30", "30岁左右正科实职干部（储备）", "count", None, 32),
    ("fk_total", "副科实职干部总数", "count", None, None),
]


def create_plan(apps, schema_editor):
    Plan = apps.get_model("dashboard", "Plan")
    Target = apps.get_model("dashboard", "Target")
    plan = Plan.objects.create(name="科级干部队伍建设三年实施意见", start_date=dt.date(2025, 1, 1),
                               end_date=dt.date(2027, 12, 31))
    Target.objects.bulk_create(
        Target(plan=plan, code=code, name=name, kind=kind, goal=goal, age_max=age, sort_order=(n + 1) * 10)
        for n, (code, name, kind, goal, age) in enumerate(TARGETS)
    )


def remove_plan(apps, schema_editor):
    apps.get_model("dashboard", "Plan").objects.filter(name="科级干部队伍建设三年实施意见").delete()


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_initial")]

    operations = [migrations.RunPython(create_plan, remove_plan)]
