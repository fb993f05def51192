"""Account state the login policy needs beside Django's user: password age, sessions, the second
factor's activation codes, the two-person change requests and the notices shown at next login."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


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
    # Who set the current password: its creator, the administrator who reset it, or the holder. A
    # person who knows an account's password may not also confirm a change that gives it a second factor.
    password_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="密码设置人", null=True, blank=True, on_delete=models.SET_NULL,
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


class ChangeRequest(models.Model):
    """A change one person asks for and a second person confirms (docs/security.md items 32 and 34).

    Granting a role that signs in with a second factor and resetting an account's second factor
    name an account (``target_user``), confirmed by ``accounts.confirm_account_change``; moving a
    unit so that someone's scope widens or narrows names the unit (``target_department``), confirmed
    by the security administrator (``accounts.assign_roles``). The transitions live in
    ``services.changes``: pending → confirmed / rejected / cancelled, each with history and audit.
    """

    class Kind(models.TextChoices):
        GRANT_ROLE = "grant_role", "授予角色"
        RESET_SECOND_FACTOR = "reset_second_factor", "重置动态口令"
        MOVE_DEPARTMENT = "move_department", "移动单位"

    class State(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        REJECTED = "rejected", "已驳回"
        CANCELLED = "cancelled", "已撤回"

    ACCOUNT_KINDS = (Kind.GRANT_ROLE, Kind.RESET_SECOND_FACTOR)

    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="账号", null=True, blank=True, on_delete=models.PROTECT,
        related_name="change_requests",
    )
    target_department = models.ForeignKey(
        "cadres.Department", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
        related_name="change_requests",
    )
    # What is asked for, as it stood when asked: the role and scope, or the new parent and who gains.
    payload = models.JSONField("申请内容", default=dict, blank=True)
    reason = models.CharField("申请理由", max_length=200)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    comment = models.CharField("处理意见", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "变更申请"
        ordering = ["-requested_at", "-id"]
        default_permissions = ()
        permissions = [("confirm_account_change", "确认账号变更（授予须二次验证的角色、重置动态口令）")]
        constraints = [
            models.CheckConstraint(
                name="change_request_names_its_target",
                condition=(
                    Q(kind__in=["grant_role", "reset_second_factor"], target_user__isnull=False,
                      target_department__isnull=True)
                    | Q(kind="move_department", target_user__isnull=True, target_department__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="change_request_second_person",
                condition=Q(decided_by__isnull=True) | Q(state="cancelled")
                | (~Q(decided_by=F("requested_by")) & (Q(target_user__isnull=True) | ~Q(decided_by=F("target_user")))),
            ),
            models.UniqueConstraint(fields=["kind", "target_user"], condition=Q(state="pending"),
                                    name="one_pending_change_per_account"),
            models.UniqueConstraint(fields=["kind", "target_department"], condition=Q(state="pending"),
                                    name="one_pending_change_per_department"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.target_user or self.target_department}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def impact_lines(self) -> list[str]:
        """For a move: who gains or loses sight of how many cadres, as it stood when asked for."""
        from cadres.services.departments import impact_lines

        return impact_lines(self.payload) if self.kind == self.Kind.MOVE_DEPARTMENT else []


class ActivationCode(models.Model):
    """A one-time code that lets an account enrol its authenticator app (docs/security.md item 32).

    Issued when a second person confirms a role grant or a second-factor reset (shown once to
    them, to hand to the holder in person), or by the server operator's ``create_account``.
    Only its hash is kept; it is used once, expires, and wrong tries back off and are audited.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    request = models.ForeignKey(ChangeRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "动态口令激活码"
        default_permissions = ()

    def __str__(self):
        return f"{self.user} {self.issued_at:%Y-%m-%d %H:%M}"

    def is_live(self, now=None) -> bool:
        return self.used_at is None and self.revoked_at is None and (now or timezone.now()) < self.expires_at


class AccountNotice(models.Model):
    """Something another person did to an account, shown to its holder once at their next login."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_notices")
    text = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField("时间", default=timezone.now)
    seen_at = models.DateTimeField("阅知时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账号变动提醒"
        ordering = ["created_at", "id"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "seen_at"])]

    def __str__(self):
        return self.text
