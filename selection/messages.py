"""Messages users see in the selection workflow, defined once (tests import them)."""

# Cases and steps
NO_CURRENT_TEMPLATE = "尚未设置新建工作使用的流程模板"
CASE_NOT_ACTIVE = "该选拔任用工作{state}，不能办理"
CASE_NOT_PAUSED = "该选拔任用工作未处于暂停状态"
CASE_ENDED = "该选拔任用工作{state}，不能再变更"
REASON_REQUIRED = "请填写原因"
OPINION_REQUIRED = "退回时请填写意见"
STEP_UNKNOWN = "本工作没有第{number}步"
STEP_NOT_CURRENT = "当前应办理第{current}步，不能办理第{number}步"
STEP_NOT_SUBMITTABLE = "第{number}步当前状态为“{state}”，不能提交"
STEP_NOT_GATE = "第{number}步不是审批关口，无需审批"
STEP_NOT_SUBMITTED = "第{number}步尚未提交，不能审批或退回"
STEP_ALREADY_DECIDED = "第{number}步已审批，不能重复审批"
SELF_APPROVAL = "不能审批本人提交的事项"
NOT_APPROVER = "您无权审批第{number}步（应由{role}审批）"
DATA_MISSING = "第{number}步缺少以下内容：{keys}"
SUBMIT_OPINION_REQUIRED = "第{number}步须填写办理意见"
APPROVE_OPINION_REQUIRED = "同意第{number}步须填写审批意见"

# Required records (a step's ``required_records`` and ``missing_materials``)
MATERIALS_MISSING_BLOCK = "第{number}步须先上传以下材料：{names}"
MATERIALS_UNCONFIRMED = "第{number}步尚缺以下材料：{names}。请先上传；确需先办理的，请填写缺少材料的原因"
BAD_DATE = "“{key}”不是有效日期（应为 YYYY-MM-DD）"
BAD_NUMBER = "“{key}”应为非负整数"

# Attachments
RECORD_NAME_REQUIRED = "请选择或填写材料名称"
RECORD_NAME_TOO_LONG = "材料名称不能超过{max}个字"
ATTACHMENT_FILE_REQUIRED = "请选择要上传的文件"
ATTACHMENT_BAD_TYPE = "只能上传以下格式的文件：{types}"
ATTACHMENT_TOO_LARGE = "文件不能大于{mb}MB"
ATTACHMENT_STEP_NOT_REACHED = "第{number}步尚未办理，只能为当前步骤或已完成的步骤上传材料"

# Candidates
CADRE_NOT_IN_SERVICE = "{name}的人员状态为“{status}”，只能选择在职干部作为人选"
CADRE_NOT_VISIBLE = "所选干部不在您的管辖范围内"
CANDIDATE_NOT_IN_CASE = "该人选不属于本次工作"
CANDIDATE_ALREADY_IN_CASE = "{name}已是本次工作的人选"
CANDIDATE_NOT_ACTIVE = "{name}已不在选，不能办理"
CANDIDATE_LIST_CLOSED = "考察对象已确定，不能再增加或调整人选"
VETO_NOT_ALLOWED = "第{number}步不能否决人选"
VETO_STEP_NOT_IN_PROGRESS = "第{number}步不在办理中，不能否决人选"
ALL_CANDIDATES_STOPPED = "人选均已否决，工作终止"

# Meetings (steps 6 and 13)
ATTENDANCE_TOO_LOW = "到会{attending}人，不足应到会{members_due}人的三分之二，会议无效"
ATTENDANCE_ABOVE_DUE = "到会人数（{attending}）不能多于应到会人数（{members_due}）"
VOTE_INVALID = "第{index}张表决票不完整（须有成员、人选和表决意见）"
VOTE_BAD_CHOICE = "表决意见只能是同意、不同意或缓议"
VOTE_UNKNOWN_CANDIDATE = "表决的人选不在本次工作的在选人选中"
VOTE_DUPLICATE = "{member}对同一人选重复表决"
VOTE_TOO_MANY_VOTERS = "参加表决的成员（{voters}人）多于到会人数（{attending}人）"
NO_CANDIDATE_APPROVED = "没有人选获得应到会成员半数以上同意，不能形成任用决定"
NOT_ENOUGH_AGREE = "同意{agree}票，未超过应到会成员{members_due}人的半数"

# Inspection candidates (step 7)
TOO_FEW_CANDIDATES = "考察对象人数（{count}人）须多于职数（{post_count}个）"
NEGATIVE_LIST = "以下人选不得列为考察对象，请先作未列入处理：{names}"
NEGATIVE_APPRAISAL = "{year}年度考核{grade}"
NEGATIVE_DISCIPLINE = "{kind}影响期至{date:%Y-%m-%d}"

# Time limits (steps 8 and 14)
INSPECTION_NOTICE_BAD = "考察预告应在考察前1至3个工作日发布（预告{notice:%Y-%m-%d}，考察{inspection:%Y-%m-%d}）"
PUBLICITY_TOO_SHORT = "任前公示不少于5个工作日（{start:%Y-%m-%d}至{end:%Y-%m-%d}仅{days}个工作日）"

# Appointment and probation (steps 15 and 16)
NO_DECISION_DATE = "尚无党组决定日期，不能办理任职"
APPOINTMENT_REASON = "选拔任用 {number}"
PROBATION_NOT_OVER = "试用期至{date:%Y-%m-%d}届满，届满前不能提交试用期满考核"
PROBATION_RESULTS_MISSING = "请填写以下人选的试用期考核结果：{names}"
PROBATION_BAD_RESULT = "试用期考核结果只能是胜任或不胜任"
PROBATION_REMOVED = "试用期满考核不胜任，免去试用职务"
NOT_RUNNER = "只有人事干部可以办理选拔任用工作（发起、提交步骤、调整人选）。"

# The workflow template (流程模板) and its steps
TEMPLATE_IN_USE = "该流程模板（第{version}版）已有{count}项选拔任用工作使用，不能直接修改；请先“新建版本”，再修改新版本"
TEMPLATE_NOT_CURRENT = "只能修改新建工作使用的当前版本（第{version}版不是当前版本）"
STEP_NAME_REQUIRED = "请填写步骤名称"
BAD_ROLE = "“{role}”不是可以审批的角色"
ROLE_SUBMITS = ("“{role}”负责提交各步骤，不能作为审批角色（不能审批本人提交的事项）；"
                "如由人事部门负责人审批，请把他指定为审批人")
STEP_RECORD_NAME_BLANK = "材料名称不能为空"
STEP_RECORD_NAME_TOO_LONG = "材料名称不能超过60个字：{name}"
STEP_RECORD_NAME_DUPLICATE = "材料名称重复：{name}"
BAD_MISSING_MATERIALS = "缺少材料时的处理只能是“说明原因后可继续”或“须先上传，不能继续”"
GATE_NEEDS_DECIDER = "审批关口须指定审批角色或审批人"
APPROVER_INACTIVE = "审批人{name}的账号已停用"

# Post quotas (职数) when a case starts
NO_VACANCY = ("{unit}{level}领导职数核定{approved}名，{date:%Y-%m-%d}实有{occupied}名，空缺{vacant}名，"
              "少于本次拟选拔的{post_count}个职数。确需发起的，请勾选确认并填写理由，理由记入办理记录。")
NO_VACANCY_REASON_REQUIRED = "在没有空缺职数的情况下发起，请填写理由（记入办理记录）"
NO_VACANCY_OPINION = "发起选拔任用工作（无空缺职数，经确认发起：{summary}；理由：{reason}）"
