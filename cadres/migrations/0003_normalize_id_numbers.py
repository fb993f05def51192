"""Store every ID number in its one normal form (NFKC, no spaces of any kind, upper-case X).

Numbers typed with full-width digits or padded with ideographic or zero-width spaces were
stored as typed, so a later import of the same person in ASCII digits created a second
record. Each such row is rewritten in place, with a history row naming the ``migrate``
service account. Where the normal form is already held by another row (the same person
twice), nothing is merged: both rows are left as they are and listed on standard output,
for personnel staff to decide which record to keep.
"""

import re
import sys
import unicodedata

from django.db import migrations
from django.utils import timezone

_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
REASON = "身份证号规范化（全角转半角、去除空格）"


def normal_form(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def _migrate_account(apps):
    User = apps.get_model("auth", "User")
    user, created = User.objects.get_or_create(
        username="migrate", defaults={"is_active": False, "first_name": "系统任务", "password": "!"})
    return user


def forwards(apps, schema_editor):
    Cadre = apps.get_model("cadres", "Cadre")
    HistoricalCadre = apps.get_model("cadres", "HistoricalCadre")
    rows = list(Cadre.objects.values_list("pk", "id_number", "name"))
    held = {number: pk for pk, number, _ in rows}
    wanted: dict[str, list[tuple[int, str, str]]] = {}
    for pk, number, name in rows:
        normal = normal_form(number)
        if normal != number:
            wanted.setdefault(normal, []).append((pk, number, name))
    if not wanted:
        return
    names = {pk: name for pk, _, name in rows}
    duplicates = []
    fixed = 0
    author = None
    history_fields = [field.attname for field in Cadre._meta.concrete_fields
                      if field.attname not in ("version", "updated_at", "created_at")]
    for normal, group in wanted.items():
        holder = held.get(normal)
        if holder is not None or len(group) > 1:
            duplicates.append((normal, [holder, *[pk for pk, _, _ in group]] if holder else [pk for pk, _, _ in group]))
            continue
        pk = group[0][0]
        Cadre.objects.filter(pk=pk).update(id_number=normal)
        author = author or _migrate_account(apps)
        values = Cadre.objects.filter(pk=pk).values(*history_fields).get()
        HistoricalCadre.objects.create(
            **values, history_date=timezone.now(), history_type="~", history_user=author, history_change_reason=REASON,
        )
        fixed += 1
    out = sys.stdout
    if fixed:
        out.write(f"\n  身份证号规范化：改写 {fixed} 条。\n")
    for normal, pks in duplicates:
        listed = "、".join(f"#{pk} {names.get(pk, '')}" for pk in pks if pk is not None)
        out.write(f"  重复的干部记录（规范化后身份证号相同，未合并，请人工处理）：尾号 {normal[-4:]}：{listed}\n")


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0002_alter_cadre_options_alter_department_options_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
