"""Account state the login policy needs beside Django's user: password age, sessions."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Profile(models.Model):
    """Per-account security state: when the password was set, whether it must change."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    display_title = models.CharField("职务", max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = verbose_name_plural = "账号安全信息"
        default_permissions = ()
        permissions = [
            ("manage_accounts", "管理账号（新建、停用、重置密码、解除锁定）"),
            ("assign_roles", "分配角色和管辖范围"),
        ]

    def __str__(self):
        return str(self.user)

    def password_expired(self, now=None) -> bool:
        if self.password_changed_at is None:
            return True
        age = (now or timezone.now()) - self.password_changed_at
        return age.days >= settings.PASSWORD_MAX_AGE_DAYS


class LoginSession(models.Model):
    """A session opened by a login, so that disabling an account can end its sessions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录会话"
        default_permissions = ()

    def __str__(self):
        return f"{self.user} @ {self.started_at:%Y-%m-%d %H:%M}"
