"""No full ID number ever reaches the audit table (docs/security.md items 13 and 31).

Rows can never be removed, so masking happens before the write: a search typed into a filter,
a username tried at the login, an object's text — in ASCII or full-width digits, spaced or not.
"""

import pytest
from django.urls import reverse

from cadre_office.audit.models import AuditEvent
from cadre_office.audit.services import Event, audit_record
from tests.factories import CadreFactory, log_in, role_user

pytestmark = pytest.mark.django_db

NUMBER = "11010519491231002X"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in NUMBER)
MASKED = "110105***********X"


def _stored(row: AuditEvent) -> str:
    row = AuditEvent.objects.get(pk=row.pk)  # as read back from the database
    return " ".join([row.username, row.object_repr, str(row.detail)])


SPACED = f"{NUMBER[:6]} {NUMBER[6:14]}\u3000{NUMBER[14:]}"


@pytest.mark.parametrize("typed", [NUMBER, NUMBER.lower(), FULL_WIDTH, SPACED])
def test_id_numbers_in_detail_and_object_text_are_masked_before_the_row_is_written(typed):
    row = audit_record(Event.EXPORT, object_repr=f"张三（{typed}）",
                       detail={"filters": {"q": typed}, "notes": [f"号码 {typed}"], "rows": 3})
    text = _stored(row)
    assert NUMBER not in text.upper() and NUMBER[6:14] not in text
    assert row.detail["filters"]["q"] == MASKED and row.detail["rows"] == 3
    assert row.object_repr == f"张三（{MASKED}）"


def test_a_roster_search_by_full_number_is_exported_with_the_number_masked(client):
    cadre = CadreFactory()
    log_in(client, role_user("人事干部"))
    response = client.get(reverse("cadres:cadre_export"), {"q": cadre.id_number})
    assert response.status_code == 200
    row = AuditEvent.objects.get(event=Event.EXPORT)
    assert cadre.id_number not in _stored(row)
    assert row.detail["filters"]["q"] == cadre.masked_id_number


def test_an_id_number_typed_as_a_username_at_the_login_is_kept_masked(client):
    client.post(reverse("login"), {"username": NUMBER, "password": "whatever-2026"})
    row = AuditEvent.objects.get(event=Event.LOGIN_FAILED)
    assert row.username == MASKED
