"""The security audit log (等保 8.1.4.3): one append-only row per audited event."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计记录只可追加，不可修改。")

    def delete(self):
        raise PermissionDenied("审计记录只可追加，不可删除。")


class AuditEvent(models.Model):
    """One audited event: who did what to which object, from where, when, and how it ended.

    Rows are append-only: the model refuses updates and deletes, the admin offers no
    change or delete, and on PostgreSQL a trigger rejects UPDATE and DELETE outright.
    ``detail`` holds context such as the export's filters or the field revealed, never
    a password or a full ID number.
    """

    class Event(models.TextChoices):
        # An account that owes a second factor is logged in (登录) only once its token is accepted: the
        # password alone is its own event, and a wrong token another (动态口令错误).
        LOGIN = "login", "登录"
        PASSWORD_VERIFIED = "password_verified", "密码验证通过"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出登录"
        LOCKOUT = "lockout", "账号锁定"
        OTP_FAILED = "otp_failed", "动态口令错误"
        OTP_ENROLLED = "otp_enrolled", "绑定动态口令"
        PASSWORD_CHANGE = "password_change", "修改密码"
        ACCOUNT_CREATE = "account_create", "新建账号"
        ACCOUNT_DISABLE = "account_disable", "停用账号"
        ACCOUNT_ENABLE = "account_enable", "启用账号"
        PASSWORD_RESET = "password_reset", "重置密码"
        ACCOUNT_UNLOCK = "account_unlock", "解除锁定"
        ROLE_CHANGE = "role_change", "角色变更"
        SCOPE_CHANGE = "scope_change", "管辖范围变更"
        CHANGE_REQUEST = "change_request", "提交变更申请"
        CHANGE_CONFIRM = "change_confirm", "确认变更申请"
        CHANGE_REJECT = "change_reject", "驳回变更申请"
        CHANGE_CANCEL = "change_cancel", "撤回变更申请"
        OTP_RESET = "otp_reset", "重置动态口令"
        ACTIVATION_ISSUED = "activation_issued", "签发激活码"
        ACTIVATION_FAILED = "activation_failed", "激活码错误"
        DEPARTMENT_MOVE = "department_move", "移动单位"
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        VIEW_RECORD = "view_record", "查看干部档案"
        REVEAL = "reveal", "查看完整敏感信息"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        DOWNLOAD = "download", "下载"
        WORKFLOW = "workflow", "流程操作"
        ACCESS_DENIED = "access_denied", "越权访问"
        SERVER_ERROR = "server_error", "系统错误"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        FAILURE = "failure", "失败"
        DENIED = "denied", "拒绝"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+", db_constraint=False,
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    ip = models.GenericIPAddressField("地址", null=True, blank=True)
    source = models.CharField("渠道", max_length=60, default="web")
    event = models.CharField("事件", max_length=20, choices=Event.choices, db_index=True)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        permissions = [("export_auditevent", "导出审计记录")]
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("审计记录只可追加，不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计记录只可追加，不可删除。")
