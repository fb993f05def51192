"""What users read about the appointment form and its LRMX import, defined once (tests import these)."""

# An error of the file names the field: "身份证号（ShenFenZheng）：校验位不正确".
FIELD_ERROR = "{label}（{element}）：{message}"

NOT_XML = "文件不是有效的 XML，无法读取"
NOT_PERSON = "文件的根元素不是 Person，不是干部任免审批表（LRMX）文件"
DOCTYPE_REFUSED = "文件含有 DOCTYPE 声明，为安全起见不予读取"
FILE_TOO_LARGE = "文件超过 {size} MB，不予读取"
WRONG_EXTENSION = "请选择扩展名为 .lrmx 的文件"

REQUIRED = "不能为空"
TOO_LONG = "超过 {max_length} 个字"
BAD_DATE = "日期格式不正确，应为 YYYYMM 或 YYYY.MM（如 198503 或 1985.03）"
DATE_BEFORE_BIRTH = "早于出生年月"
DATE_IN_FUTURE = "晚于今天"
BIRTH_DISAGREES = "与身份证号中的出生年月（{month}）不一致"
GENDER_DISAGREES = "与身份证号所示性别（{gender}）不一致"
UNKNOWN_NAME = "“{value}”不是国家标准中的名称"
BAD_PHOTO = "照片不是有效的 Base64 编码的 JPEG 或 PNG 图像"
PHOTO_TOO_LARGE = "照片超过 {size} KB"
ID_CHECK_DIGIT = "校验位不正确"
OUT_OF_SCOPE = "该身份证号对应的干部不在您的管辖范围内，不能导入"
TOO_MANY_FAMILY = "家庭成员超过 {count} 人"

UNIT_REQUIRED = "新增干部须选择所在单位"
ALREADY_DONE = "这份文件已经处理过（{state}），不能再次导入"
STALE = "预览之后该干部的信息已被修改，请重新上传文件预览后再导入"
APPLIED = "已导入 {name} 的任免审批表（LRMX）"
DISCARDED = "已放弃导入 {filename}"
REFUSED = "文件有 {count} 处错误，未导入任何内容。请改正后重新上传。"

REASON_SAVED = "已保存 {name} 的任免理由"
