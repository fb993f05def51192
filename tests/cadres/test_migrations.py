"""The data migration that puts stored ID numbers into their normal form (cadres 0003)."""

import io
from contextlib import redirect_stdout

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cadres.idnumbers import normalize_id_number
from tests.factories import CadreFactory

BEFORE = [("cadres", "0002_alter_cadre_options_alter_department_options_and_more")]
AFTER = [("cadres", "0003_normalize_id_numbers")]


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


@pytest.mark.django_db(transaction=True)
def test_migration_normalises_numbers_with_history_and_reports_duplicates_without_merging():
    from cadres.models import Cadre

    plain = CadreFactory(name="甲")
    typed_full_width = CadreFactory(name="乙")
    twin = CadreFactory(name="丙")
    # Stored as typed before the fix: written past the model's validation, as the old code allowed.
    Cadre.objects.filter(pk=typed_full_width.pk).update(id_number=full_width(typed_full_width.id_number))
    Cadre.objects.filter(pk=twin.pk).update(id_number=full_width(plain.id_number))

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    out = io.StringIO()
    with redirect_stdout(out):
        executor.migrate(AFTER)
    # Back to the latest schema, so that the models below match their tables.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    typed_full_width.refresh_from_db()
    twin.refresh_from_db()
    assert typed_full_width.id_number == normalize_id_number(full_width(typed_full_width.id_number))
    assert typed_full_width.id_number.isascii()
    # The duplicate of an existing number is left as it was and reported, not merged.
    assert twin.id_number != plain.id_number
    assert Cadre.objects.filter(pk__in=[plain.pk, twin.pk]).count() == 2
    report = out.getvalue()
    assert "改写 1 条" in report
    assert f"尾号 {plain.id_number[-4:]}" in report and f"#{plain.pk} 甲" in report and f"#{twin.pk} 丙" in report
    latest = typed_full_width.history.order_by("-history_id").first()
    assert latest.history_change_reason.startswith("身份证号规范化")
    assert latest.history_user.username == "migrate"
