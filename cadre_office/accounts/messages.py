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
OTP_REQUIRED = "三员账号和可查阅完整身份证号、可导出个人信息的账号，登录须通过动态口令（TOTP）二次验证。"
OTP_INVALID = "动态口令不正确或已过期，请重新输入。"
SERVICE_ACCOUNT_FIXED = (
    "系统任务账号只用于记录导入、演示数据等后台任务的操作人，不能登录，也不能启用、重置密码或分配角色。"
)
SCOPE_REQUIRED = "“科室负责人”须至少选择一个管辖单位。"
PASSWORDS_DIFFER = "两次输入的密码不一致。"
PASSWORD_CHANGED = "密码已修改。"
OTP_ENROLLED = "动态口令已绑定，今后登录时请输入验证器应用显示的 6 位口令。"

# --- the second factor of roles that read personal data, and its activation code (docs/security.md item 32)
ACTIVATION_REQUIRED = "请输入激活码。"
ACTIVATION_INVALID = "激活码不正确、已使用或已过期。如确无有效激活码，请联系系统管理员申请重置动态口令。"
ACTIVATION_THROTTLED = "激活码错误次数过多，请 {seconds} 秒后再试。"
ACTIVATION_ACCEPTED = "激活码正确。请用验证器应用扫描二维码，再输入应用显示的 6 位口令完成绑定。"
ACTIVATION_EXPIRED_DURING_SETUP = "激活码已失效，请重新输入。"

# --- two-person changes
ROLE_NEEDS_CONFIRMATION = "授予须动态口令的角色须由第二人确认，请通过“修改角色与范围”提交申请。"
GRANT_REASON_NEW_ACCOUNT = "新建账号"
GRANT_REASON_UPDATE = "变更角色"
NO_ROLE = "无"
CHANGE_ALREADY_PENDING = "该{target}已有一项待确认的“{kind}”申请，请等待确认或先撤回。"
CHANGE_NOT_PENDING = "该申请已{state}，不能再处理。"
CHANGE_NOT_YOURS = "只有申请人本人可以撤回申请。"
CHANGE_NOT_CONFIRMER = "您无权确认此项申请。"
CHANGE_OWN_REQUEST = "不能确认或驳回本人提交的申请，须由第二人办理。"
CHANGE_ON_SELF = "不能确认或驳回涉及本人账号的申请。"
CHANGE_KNOWS_PASSWORD = "您设置了该账号的现用密码，不能再确认其角色或动态口令，须由其他人办理。"
CHANGE_TARGET_DISABLED = "该账号已停用，不能确认。请驳回，或启用后再处理。"
CHANGE_NOT_REQUESTER = "您无权提交此项申请。"
CHANGE_COMMENT_REQUIRED = "驳回时请填写意见，说明理由。"
RESET_NEEDS_SECOND_FACTOR_ROLE = "该账号的角色不使用动态口令，无需重置。"
REASON_REQUIRED = "请填写申请理由，供确认人核对。"

# --- notices shown at the next login (the time is put in front of each)
NOTICE_PASSWORD_RESET = "{actor}重置了您的登录密码。如非您本人申请，请立即联系安全管理员。"
NOTICE_ROLE_CHANGED = "{actor}将您的角色由“{before}”改为“{after}”。如有疑问，请联系安全管理员。"
NOTICE_ROLE_GRANTED = ("{requester}申请、{confirmer}确认，将您的角色由“{before}”改为“{after}”。"
                       "如非您本人知悉，请立即联系安全管理员。")
NOTICE_SECOND_FACTOR_RESET = ("{requester}申请、{confirmer}确认，重置了您的动态口令（原验证器已解除绑定），"
                              "须凭激活码重新绑定。如非您本人申请，请立即联系安全管理员。")
