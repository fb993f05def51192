"""节假日安排: staff enter a year the package does not know, and the working days follow it."""

import datetime as dt

import pytest

from selection.models import CalendarYear
from selection.workdays import UnknownCalendarYear, is_working_day
from tests.factories import log_in, role_user

pytestmark = pytest.mark.django_db

URL = "/selection/holidays/"


def test_personnel_staff_enter_2027_and_working_days_follow_it(client):
    with pytest.raises(UnknownCalendarYear):
        is_working_day(dt.date(2027, 1, 1))
    log_in(client, role_user("人事干部"))
    page = client.get(URL, {"year": 2027})
    assert page.status_code == 200 and "节假日安排" in page.content.decode()
    response = client.post(URL, {"year": 2027, "note": "国办发明电〔2026〕号",
                                 "days": "2027-01-01 休 元旦\n2027-02-06 班 春节调休上班\n"})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).days.count() == 2
    assert is_working_day(dt.date(2027, 1, 1)) is False
    assert is_working_day(dt.date(2027, 2, 6)) is True  # a Saturday worked
    assert is_working_day(dt.date(2027, 1, 4)) is True
    again = client.get(URL, {"year": 2027}).content.decode()
    assert "2027-02-06 班 春节调休上班" in again


def test_a_malformed_line_is_reported_and_nothing_saved(client):
    log_in(client, role_user("人事干部"))
    response = client.post(URL, {"year": 2027, "days": "2027-01-01 休 元旦\n明年一月一日 放假"})
    assert response.status_code == 200
    assert "第2行格式不对" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("role", ["局领导", "科室负责人", "纪检监察", "系统管理员", "审计管理员"])
def test_other_roles_may_not_enter_holidays(client, role):
    log_in(client, role_user(role))
    assert client.get(URL).status_code == 403
