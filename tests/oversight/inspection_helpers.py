"""Shared pieces of the 定期考察 tests: a unit with cadres, the roles, a snapshot of what a refusal must not change."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadre_office.accounts.roles import Role
from oversight import events
from oversight.models import (
    AnnualAppraisal,
    AppraisalConflictRule,
    InspectionShortcoming,
    InspectionVisit,
    QuarterlyGrade,
    QuarterlyReview,
)
from tests.factories import CadreFactory, DepartmentFactory, role_user

LAST_YEAR = timezone.localdate().year - 1
PERIOD = (LAST_YEAR, 3)


def snapshot() -> tuple:
    """Everything a refused write of 定期考察 could have touched, rows and history alike."""
    return (
        list(QuarterlyReview.objects.order_by("pk").values_list("pk", "state", "submitted_by", "confirmed_by")),
        list(QuarterlyGrade.objects.order_by("pk").values_list("pk", "cadre", "grade", "note")),
        list(AnnualAppraisal.objects.order_by("pk").values_list("pk", "cadre", "year", "grade")),
        QuarterlyReview.history.count(), QuarterlyGrade.history.count(), AnnualAppraisal.history.count(),
        list(AppraisalConflictRule.objects.order_by("pk").values_list("pk", "is_active")),
        InspectionVisit.objects.count(), InspectionShortcoming.objects.count(),
    )


def refused(call, message):
    """Assert ``call`` raises a ValidationError with exactly ``message`` (or these messages) and changes nothing."""
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.messages == (message if isinstance(message, list) else [message])
    assert snapshot() == before


class Heard:
    """Records what a hook was sent (registered for one test)."""

    def __init__(self):
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)


def listening():
    """Register a listener on both hooks; yield them; unregister (the body of a test's ``heard`` fixture)."""
    talks, changes = Heard(), Heard()
    events.talk_required.register(talks)
    events.record_changed.register(changes)
    yield {"talks": talks, "changes": changes}
    events.talk_required.unregister(talks)
    events.record_changed.unregister(changes)


def make_world():
    """办公室 (three cadres) with 档案组 under it (one), 财务科 (two); personnel staff, a head of 办公室, a leader."""
    office = DepartmentFactory(name="办公室")
    archive = DepartmentFactory(name="档案组", parent=office)
    finance = DepartmentFactory(name="财务科")
    own = [CadreFactory(department=office, name=name) for name in ("王一", "李二", "张三")]
    sub = [CadreFactory(department=archive, name="赵四")]
    other = [CadreFactory(department=finance, name=name) for name in ("钱五", "孙六")]
    return {
        "office": office, "archive": archive, "finance": finance, "own": own, "sub": sub, "other": other,
        "staff": role_user(Role.PERSONNEL, username="staff", first_name="人事甲"),
        "head": role_user(Role.DEPARTMENT_HEAD, username="head", first_name="科长乙", departments=[office]),
        "leader": role_user(Role.LEADER, username="leader"),
        "discipline": role_user(Role.DISCIPLINE, username="jijian"),
        "sysadmin": role_user(Role.SYSTEM_ADMIN, username="sysadmin"),
    }


def all_graded(cadres, grade="good") -> dict:
    return {cadre.pk: (grade, "") for cadre in cadres}


def day(month, dd, year=LAST_YEAR):
    return dt.date(year, month, dd)
