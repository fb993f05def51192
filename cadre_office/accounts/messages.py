"""Messages the account pages and the login policy show (Chinese, defined once)."""

USERNAME_TAKEN = "该用户名已被使用。"
UNKNOWN_ROLE = "未知的角色。"
NOT_ON_SELF = "不能对自己的账号执行此操作，请由其他管理员办理。"
SCOPE_NEEDS_SCOPED_ROLE = "只有“科室负责人”角色需要设置管辖单位。"
OLD_PASSWORD_WRONG = "原密码不正确。"
PASSWORD_UNCHANGED = "新密码不能与原密码相同。"
PASSWORD_CLASSES = "密码须包含大写字母、小写字母、数字、符号中的至少 {min_classes} 类。"
PASSWORD_CHANGE_REQUIRED = "为保障账号安全，请先修改密码（首次登录或密码已超过 {days} 天）。"
LOCKED_OUT = "该账号因连续 5 次登录失败已被锁定 30 分钟，请稍后再试或联系安全管理员解锁。"
OTP_REQUIRED = "管理员账号须通过动态口令（TOTP）二次验证。"
OTP_INVALID = "动态口令不正确或已过期，请重新输入。"
SERVICE_ACCOUNT_FIXED = (
    "系统任务账号只用于记录导入、演示数据等后台任务的操作人，不能登录，也不能启用、重置密码或分配角色。"
)
SCOPE_REQUIRED = "“科室负责人”须至少选择一个管辖单位。"
PASSWORDS_DIFFER = "两次输入的密码不一致。"
