"""The default time limits of the three kinds of 备案 (rules kept as data): one month, reminded 7 days before."""

from django.db import migrations

DEFAULTS = {"education": (1, 7), "honour": (1, 7), "petition": (1, 7)}


def seed(apps, schema_editor):
    FilingRule = apps.get_model("oversight", "FilingRule")
    for kind, (months, days) in DEFAULTS.items():
        FilingRule.objects.get_or_create(kind=kind, defaults={"due_months": months, "remind_days": days})


class Migration(migrations.Migration):
    dependencies = [("oversight", "0004_filings")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
