"""Audit rows at chosen times, and clients of the audit administrator."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from cadre_office.audit.models import AuditEvent
from tests.factories import log_in, role_user

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(*args) -> dt.datetime:
    """Return a Beijing-time moment: ``at(2026, 11, 26, 9, 30)``."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


def make_event(*, when: dt.datetime | None = None, **fields) -> AuditEvent:
    """Append one audit row as if written at ``when`` (``at`` is auto_now_add and rows cannot be updated)."""
    fields.setdefault("event", AuditEvent.Event.LOGIN)
    fields.setdefault("username", "zhangsan")
    fields.setdefault("ip", "10.1.2.3")
    if when is None:
        return AuditEvent.objects.create(**fields)
    with mock.patch.object(timezone, "now", return_value=when):
        return AuditEvent.objects.create(**fields)


@pytest.fixture
def auditor(db):
    return role_user("审计管理员", username="shenji_t", first_name="审计员甲")


@pytest.fixture
def auditor_client(client, auditor):
    return log_in(client, auditor)
