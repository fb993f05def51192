"""The report archive's Celery tasks and beat entries (the worker itself: tests/browser/test_reports_journey.py)."""

import datetime as dt
from unittest import mock

import pytest
from celery.schedules import crontab

from cadre_office.celery import app
from cadre_office.reports import tasks
from cadre_office.reports.models import MonthlyReport

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_the_tasks_are_registered_and_acknowledged_late():
    for task in (tasks.build_monthly_report, tasks.monthly_report_beat, tasks.fail_stale_monthly_reports):
        assert task.name in app.tasks and task.acks_late
    assert tasks.build_monthly_report.soft_time_limit > 0


def test_the_beat_builds_last_month_on_the_first_at_0200_beijing_time():
    entry = app.conf.beat_schedule["reports-monthly"]
    assert entry["task"] == "reports.monthly_report_beat"
    schedule: crontab = entry["schedule"]
    assert (schedule.day_of_month, schedule.hour, schedule.minute) == ({1}, {2}, {0})
    assert schedule.month_of_year == set(range(1, 13)) and schedule.day_of_week == set(range(7))
    # Due at 02:00 on 1 January in Beijing (18:00 UTC the day before), not a minute before.
    instant = dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.UTC)
    last_run = dt.datetime(2026, 12, 1, 2, 0, tzinfo=SHANGHAI)
    with mock.patch.object(schedule, "nowfun", return_value=instant - dt.timedelta(minutes=1)):
        assert schedule.is_due(last_run)[0] is False
    with mock.patch.object(schedule, "nowfun", return_value=instant):
        assert schedule.is_due(last_run)[0] is True


def test_the_beat_fails_lost_report_jobs_every_five_minutes():
    entry = app.conf.beat_schedule["reports-stale-jobs"]
    assert entry["task"] == tasks.fail_stale_monthly_reports.name
    assert entry["schedule"].minute == set(range(0, 60, 5))


@pytest.mark.django_db
def test_the_beat_task_queues_and_builds_the_month_just_ended(fake_build, django_capture_on_commit_callbacks):
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 12, 1)), \
            django_capture_on_commit_callbacks(execute=True):
        pk = tasks.monthly_report_beat()
    report = MonthlyReport.objects.get(pk=pk)
    assert (report.month, report.department, report.requested_by, report.state) == (
        dt.date(2026, 11, 1), None, None, MonthlyReport.State.READY)
    assert tasks.build_monthly_report(pk) == "ready"  # redelivered: nothing to do
    assert len(fake_build) == 1
    assert tasks.fail_stale_monthly_reports() == 0
