from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cadre_office.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from django.db.models.signals import post_migrate

        from cadre_office.accounts import checks, signals  # noqa: F401  (settings checks; login, logout and lockout audit)
        # Every app's post_migrate, not only ours: the permissions of apps listed after this
        # one are created by their own post_migrate, and the roles need them.
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="accounts.sync_roles")
        # A unit move that changes someone's view becomes a request the security administrator
        # confirms: the roster asks for it through its hook (cadres.events), never importing accounts.
        from cadre_office.accounts.services import change_request_move
        from cadres import events

        events.department_move_requested.register(change_request_move)


def _sync_roles_after_migrate(sender, using="default", plan=None, **kwargs):
    from cadre_office.accounts.roles import sync_roles

    sync_roles(using=using)
