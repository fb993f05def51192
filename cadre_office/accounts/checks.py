"""Start-up checks of the account settings."""

from django.conf import settings
from django.core.checks import Error, register

from cadre_office.accounts.roles import CONFIRMER_ROLE_CHOICES


@register()
def confirmer_roles_check(app_configs, **kwargs):
    """ACCOUNT_CHANGE_CONFIRMER_ROLES names at least one role, each 局领导 or an account administrator."""
    roles = list(getattr(settings, "ACCOUNT_CHANGE_CONFIRMER_ROLES", []))
    allowed = "、".join(sorted(CONFIRMER_ROLE_CHOICES))
    if not roles:
        return [Error("ACCOUNT_CHANGE_CONFIRMER_ROLES 不能为空。", hint=f"可选：{allowed}", id="accounts.E001")]
    wrong = [role for role in roles if role not in CONFIRMER_ROLE_CHOICES]
    if wrong:
        return [Error(f"ACCOUNT_CHANGE_CONFIRMER_ROLES 含有不能确认账号变更的角色：{'、'.join(wrong)}。",
                      hint=f"可选：{allowed}", id="accounts.E002")]
    return []
