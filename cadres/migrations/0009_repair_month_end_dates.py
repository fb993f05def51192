import datetime as dt

from django.db import migrations
from django.utils import timezone

MONTH = "month"
REASON = "更正终止时间：后任自某月起时，前任应止于上月末日（此前误记为上月1日）"


def _month_before(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _migrate_account(apps):
    User = apps.get_model("auth", "User")
    user, _ = User.objects.get_or_create(
        username="migrate", defaults={"is_active": False, "first_name": "系统任务", "password": "!"})
    return user


def repair_end_dates(apps, schema_editor):
    """Put right the end of a post or rank closed by a successor recorded to the month.

    Until ``MonthDate`` did its arithmetic on plain dates, "the day before 2018.12" came out as
    2018-11-01 instead of 2018-11-30: a post or rank ended by one starting in a month (entered as
    2018.12 on the form, or 任现职时间 2018.12 in an imported roster) was ended on the 1st of the
    month before. Such an end (the 1st of the month before a successor's start, to the month) is
    set to the day before that start, with a history row saying why, by the ``migrate`` account (as
    in 0003).
    """
    now = timezone.now()
    actor = None
    for model_name in ("PostAssignment", "RankAssignment"):
        model = apps.get_model("cadres", model_name)
        history = apps.get_model("cadres", f"Historical{model_name}")
        starts = {}
        for cadre_id, start in model.objects.filter(start_date__day=1, start_date_precision=MONTH).values_list(
                "cadre_id", "start_date"):
            starts.setdefault(cadre_id, set()).add(start)
        for record in model.objects.filter(end_date__day=1, cadre_id__in=list(starts)).iterator():
            successor = next((start for start in sorted(starts[record.cadre_id])
                              if _month_before(start) == record.end_date), None)
            if successor is None or (record.start_date and record.start_date > successor - dt.timedelta(days=1)):
                continue
            record.end_date = successor - dt.timedelta(days=1)
            record.save(update_fields=["end_date"])
            if actor is None:
                actor = _migrate_account(apps)
            last = history.objects.filter(id=record.pk).order_by("-history_date", "-history_id").first()
            if last is not None:
                last.pk = None
                last.end_date = record.end_date
                last.history_date = now
                last.history_type = "~"
                last.history_user = actor
                last.history_change_reason = REASON
                last.save()


class Migration(migrations.Migration):

    dependencies = [
        ("cadres", "0008_personal_record_sections"),
    ]

    operations = [
        migrations.RunPython(repair_end_dates, migrations.RunPython.noop),
    ]
