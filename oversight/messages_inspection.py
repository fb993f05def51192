"""What 定期考察 tells its users: defined once, imported by the services, views and tests."""

# 平时考核
GRID_LOCKED = "{period}的平时考核已确认，不能修改；如需更正，请由人事干部退回后再录入。"
GRID_SUBMITTED = "{period}的平时考核已提交，等待人事干部确认；如需修改，请联系人事干部退回。"
GRID_FOREIGN_CADRE = "“{name}”不在{unit}{period}的考核名单中，不能录入。"
GRID_BAD_GRADE = "“{name}”的等次“{grade}”无效，应为好、较好、一般或较差。"
GRID_INCOMPLETE = "还有{count}人未评定等次（{names}），请全部评定后再提交。"
GRID_EMPTY = "{unit}{period}没有需要考核的干部，无需提交。"
GRID_NOT_DRAFT = "该平时考核当前为“{state}”，不能提交。"
GRID_NOT_SUBMITTED = "该平时考核当前为“{state}”，只有已提交的才能确认。"
GRID_NOT_REOPENABLE = "该平时考核尚未提交，无需退回。"
GRID_REOPEN_REASON = "请填写退回原因。"
GRID_FUTURE = "{period}尚未开始，不能录入平时考核。"
GRID_SAVED = "平时考核已保存（{count}人的等次有变化）。"
GRID_SUBMITTED_OK = "已提交，等待人事干部确认。"
GRID_CONFIRMED_OK = "已确认，平时考核已锁定。"
GRID_REOPENED_OK = "已退回，科室可重新录入后再提交。"
POOR_TALK_REASON = "{period}平时考核为“较差”，应进行提醒谈话"

# The grid's Excel template and its import
IMPORT_NOT_XLSX = "请上传 .xlsx 格式的 Excel 文件（可先下载本表的导入模板）。"
IMPORT_TOO_LARGE = "文件超过 {limit} MB，请检查是否选错了文件。"
IMPORT_UNREADABLE = "无法读取该文件，请使用本页下载的导入模板填写后上传。"
IMPORT_BAD_HEADER = "表头不符：应包含“编号”“姓名”“等次”三列（请使用本页下载的导入模板）。"
IMPORT_ROW_UNKNOWN = "第{row}行：编号“{code}”不是{unit}{period}考核名单中的干部。"
IMPORT_ROW_NAME = "第{row}行：编号{code}对应的干部是“{expected}”，与填写的姓名“{name}”不符。"
IMPORT_ROW_GRADE = "第{row}行：等次“{grade}”无效，应为好、较好、一般或较差。"
IMPORT_ROW_DUPLICATE = "第{row}行：编号{code}重复出现。"
IMPORT_ROW_NOTE = "第{row}行：备注超过200字。"
IMPORT_NOTHING = "文件中没有填写任何等次。"
IMPORT_DONE = "已从 Excel 导入{count}人的等次。"

# 年度考核
EXCELLENT_SHARE_EXCEEDED = (
    "{year}年度优秀等次将达到{excellent}人，占参加考核的{total}人的{share}%，超过规定的{limit}%"
    "（最多{allowed}人），未保存。")
CONFLICT_EXCLUDE = "{name}：{year}年内受到{kind}（{decided}决定），不得确定为优秀。"
CONFLICT_FORCE = "{name}：{year}年处于{kind}影响期内（至{until}），等次应为不定等次。"
ANNUAL_FOREIGN_CADRE = "“{name}”不在{unit}{year}年度的考核名单中，不能录入。"
ANNUAL_BAD_GRADE = "“{name}”的等次“{grade}”无效。"
ANNUAL_FUTURE = "{year}年度尚未开始，不能录入年度考核。"
ANNUAL_SAVED = "年度考核已保存（{count}人的等次有变化）。"

# Settings
SETTINGS_SAVED = "设置已保存。"
RULE_SAVED = "冲突规则已保存。"

# 考察
SHORTCOMING_VISIT_MISMATCH = "所选考察不是该干部的考察记录。"
