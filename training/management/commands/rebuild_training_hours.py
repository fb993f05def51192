"""Rebuild the yearly training hours (``CadreYearHours``) from the enrolments, for safety."""

from django.core.management.base import BaseCommand

from training.services.programmes import rebuild_training_hours


class Command(BaseCommand):
    help = "从参训记录重新计算每名干部每年的培训学时（年度培训学时表）。"

    def handle(self, *args, **options):
        rows = rebuild_training_hours()
        self.stdout.write(self.style.SUCCESS(f"已重新计算年度培训学时：{rows} 行。"))
