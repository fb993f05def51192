"""Create the seven roles as groups, each with the least permissions it needs.

The table lives in ``cadre_office.accounts.roles``; a post_migrate hook keeps the groups
equal to it after every later migration (and after test flushes).
"""

from django.db import migrations

from cadre_office.accounts.roles import ROLE_PERMISSIONS, sync_roles

def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    sync_roles(apps=apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("cadres", "0002_alter_cadre_options_alter_department_options_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
