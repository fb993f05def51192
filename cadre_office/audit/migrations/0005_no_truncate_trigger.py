"""On PostgreSQL, refuse TRUNCATE of the audit log too (a statement-level trigger).

Row triggers (migration 0002) do not fire on TRUNCATE, which emptied the table in one statement.
The only way past this trigger is the session setting ``cadre_office.allow_audit_truncate = on``,
which the test suite sets on its own throw-away database so that test teardown can flush it; no
code of the application sets it. In production the application's database role should also not own
the table and have TRUNCATE revoked (README, 生产部署), so that neither the trigger nor the setting
is in its reach.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('cadre_office.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_two_person_change_events")]

    operations = [migrations.RunPython(forwards, backwards)]
