"""Audit rows can be added, never changed or deleted: model, queryset, admin, and on PostgreSQL the database."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cadre_office.accounts.models import Profile
from cadre_office.audit.models import AuditEvent
from tests.audit.conftest import make_event
from tests.factories import UserFactory, log_in

pytestmark = pytest.mark.django_db

Event = AuditEvent.Event


@pytest.fixture
def event(db):
    return make_event(event=Event.LOGIN_FAILED, username="wangwu", object_repr="原始对象",
                      outcome=AuditEvent.Outcome.FAILURE)


def _unchanged(event: AuditEvent) -> bool:
    stored = AuditEvent.objects.get(pk=event.pk)
    return (stored.username, stored.object_repr, stored.event, stored.outcome, stored.at) == (
        "wangwu", "原始对象", Event.LOGIN_FAILED, AuditEvent.Outcome.FAILURE, event.at)


@pytest.fixture
def superuser_client(client):
    superuser = UserFactory(username="root_t", is_superuser=True, is_staff=True)
    # A fresh password, so the login policy lets the superuser straight through to the admin.
    Profile.objects.create(user=superuser, password_changed_at=timezone.now(), must_change_password=False)
    return log_in(client, superuser)


def test_saving_an_existing_row_is_refused(event):
    event.object_repr = "篡改"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.save(update_fields=["object_repr"])
    assert _unchanged(event)


def test_deleting_a_row_is_refused(event):
    with pytest.raises(PermissionDenied):
        event.delete()
    assert _unchanged(event)


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.update(object_repr="篡改")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(outcome=AuditEvent.Outcome.SUCCESS)
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert _unchanged(event)


def test_new_rows_can_still_be_appended(event):
    make_event(event=Event.LOGOUT)
    assert AuditEvent.objects.count() >= 2


def test_admin_grants_no_add_change_or_delete_even_to_a_superuser(event):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = UserFactory(username="root_perm", is_superuser=True, is_staff=True)
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_change_permission(request, event) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, event) is False
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_pages_offer_nothing_to_change_and_posts_change_nothing(superuser_client, event):
    changelist = reverse("admin:audit_auditevent_changelist")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    add = reverse("admin:audit_auditevent_add")

    listing = superuser_client.get(changelist)
    assert listing.status_code == 200  # reading stays possible
    assert add not in listing.text and 'name="action"' not in listing.text

    page = superuser_client.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False and page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.text and delete not in page.text

    assert superuser_client.get(add).status_code == 403
    assert superuser_client.post(add, {"event": Event.LOGIN, "username": "伪造"}).status_code == 403
    assert superuser_client.post(change, {"username": "篡改", "object_repr": "篡改", "event": Event.LOGIN,
                                          "outcome": "success", "source": "web", "_save": "保存"}).status_code == 403
    assert superuser_client.get(delete).status_code == 403
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    superuser_client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})

    assert _unchanged(event)
    assert not AuditEvent.objects.filter(username="伪造").exists()


def test_database_refuses_raw_update_and_delete_on_postgresql(event):
    """On PostgreSQL a trigger rejects UPDATE and DELETE whatever the code path (CI runs this there).

    SQLite, the development default, has no such trigger (migration 0002 only installs it on
    PostgreSQL): there the model and queryset guards above are the only protection, and this
    test asserts exactly that limitation instead of passing without checking anything.
    """
    table = AuditEvent._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname IN ('audit_event_append_only', 'audit_event_no_truncate')"
                " AND NOT tgisinternal"
            )
            assert cursor.fetchone()[0] == 2
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET object_repr = %s WHERE id = %s", ["篡改", event.pk])  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        # TRUNCATE fires no row trigger: a statement trigger refuses it (the test database lets its own
        # teardown through with a session setting, switched off here for this transaction).
        with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("SET LOCAL cadre_office.allow_audit_truncate = 'off'")
            cursor.execute(f"TRUNCATE {table}")
        assert _unchanged(event)
    else:
        assert connection.vendor == "sqlite", f"unexpected database {connection.vendor}: add its guarantee here"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            assert cursor.fetchone()[0] == 0, "SQLite now has a trigger: test it like PostgreSQL's"
        # The documented limitation: raw SQL bypasses the model on SQLite.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET object_repr = %s WHERE id = %s", ["raw", event.pk])  # noqa: S608
            assert cursor.rowcount == 1
            transaction.set_rollback(True)
        assert _unchanged(event)
