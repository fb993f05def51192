"""Code tables (docs/definitions.md, code tables): the database stores codes, pages show names.

National standards keep their official codes (GB/T 2261.1, 3304, 4762, 4658). The
bureau-internal vocabularies (leadership level, 职级, status) use codes whose
lexical order is seniority order, so sorting by the code sorts by rank.
"""

from django.db import models


class Gender(models.TextChoices):
    """GB/T 2261.1 性别."""

    MALE = "1", "男"
    FEMALE = "2", "女"


class Ethnicity(models.TextChoices):
    """GB/T 3304 民族."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAKH = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KYRGYZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EWENKI = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONBA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"
    OTHER = "97", "其他"
    FOREIGN_ORIGIN = "98", "外国血统中国籍人士"


# Names used before GB/T 3304 was revised; the import maps them.
ETHNICITY_OLD_NAMES = {"毛难族": Ethnicity.MAONAN, "崩龙族": Ethnicity.DEANG}


class PoliticalStatus(models.TextChoices):
    """GB/T 4762 政治面貌."""

    CPC_MEMBER = "01", "中共党员"
    CPC_PROBATIONARY = "02", "中共预备党员"
    CYL_MEMBER = "03", "共青团员"
    RCCK = "04", "民革党员"
    CDL = "05", "民盟盟员"
    CNDCA = "06", "民建会员"
    CAPD = "07", "民进会员"
    CPWDP = "08", "农工党党员"
    ZHI_GONG = "09", "致公党党员"
    JIUSAN = "10", "九三学社社员"
    TDSGL = "11", "台盟盟员"
    NON_PARTISAN = "12", "无党派人士"
    MASSES = "13", "群众"


# 党外干部 are cadres with any status but these two.
PARTY_MEMBER_CODES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)

POLITICAL_STATUS_ALIASES = {
    "党员": PoliticalStatus.CPC_MEMBER,
    "中国共产党党员": PoliticalStatus.CPC_MEMBER,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL_MEMBER,
    "无党派": PoliticalStatus.NON_PARTISAN,
}


class EducationLevel(models.TextChoices):
    """GB/T 4658-2006 学历 (the completed/uncompleted variants that rosters record)."""

    DOCTOR = "11", "博士研究生毕业"
    DOCTOR_COMPLETED = "12", "博士研究生结业"
    DOCTOR_DROPPED = "13", "博士研究生肄业"
    MASTER = "14", "硕士研究生毕业"
    MASTER_COMPLETED = "15", "硕士研究生结业"
    MASTER_DROPPED = "16", "硕士研究生肄业"
    POSTGRAD_CLASS = "17", "研究生班毕业"
    POSTGRAD_CLASS_COMPLETED = "18", "研究生班结业"
    POSTGRAD_CLASS_DROPPED = "19", "研究生班肄业"
    BACHELOR = "21", "大学本科毕业"
    BACHELOR_COMPLETED = "22", "大学本科结业"
    BACHELOR_DROPPED = "23", "大学本科肄业"
    UNIVERSITY_GENERAL_CLASS = "28", "大学普通班毕业"
    JUNIOR_COLLEGE = "31", "大学专科毕业"
    JUNIOR_COLLEGE_COMPLETED = "32", "大学专科结业"
    JUNIOR_COLLEGE_DROPPED = "33", "大学专科肄业"
    SECONDARY_SPECIALIZED = "41", "中等专科毕业"
    SECONDARY_SPECIALIZED_COMPLETED = "42", "中等专科结业"
    SECONDARY_SPECIALIZED_DROPPED = "43", "中等专科肄业"
    VOCATIONAL_HIGH = "44", "职业高中毕业"
    VOCATIONAL_HIGH_COMPLETED = "45", "职业高中结业"
    VOCATIONAL_HIGH_DROPPED = "46", "职业高中肄业"
    TECHNICAL_SCHOOL = "47", "技工学校毕业"
    TECHNICAL_SCHOOL_COMPLETED = "48", "技工学校结业"
    TECHNICAL_SCHOOL_DROPPED = "49", "技工学校肄业"
    HIGH_SCHOOL = "61", "普通高中毕业"
    HIGH_SCHOOL_COMPLETED = "62", "普通高中结业"
    HIGH_SCHOOL_DROPPED = "63", "普通高中肄业"
    JUNIOR_HIGH = "71", "初中毕业"
    JUNIOR_HIGH_DROPPED = "73", "初中肄业"
    PRIMARY = "81", "小学毕业"
    PRIMARY_DROPPED = "83", "小学肄业"
    OTHER = "90", "其他"


# 全日制本科及以上: a completed (毕业) 大学本科 or 研究生.
BACHELOR_OR_ABOVE_CODES = (
    EducationLevel.DOCTOR,
    EducationLevel.MASTER,
    EducationLevel.POSTGRAD_CLASS,
    EducationLevel.BACHELOR,
)

# Short forms rosters use; each means 毕业.
EDUCATION_ALIASES = {
    "研究生": EducationLevel.MASTER,
    "硕士研究生": EducationLevel.MASTER,
    "硕士": EducationLevel.MASTER,
    "博士研究生": EducationLevel.DOCTOR,
    "博士": EducationLevel.DOCTOR,
    "研究生班": EducationLevel.POSTGRAD_CLASS,
    "大学本科": EducationLevel.BACHELOR,
    "本科": EducationLevel.BACHELOR,
    "本科毕业": EducationLevel.BACHELOR,
    "大学": EducationLevel.BACHELOR,
    "大学专科": EducationLevel.JUNIOR_COLLEGE,
    "大专": EducationLevel.JUNIOR_COLLEGE,
    "专科": EducationLevel.JUNIOR_COLLEGE,
    "大专毕业": EducationLevel.JUNIOR_COLLEGE,
    "中专": EducationLevel.SECONDARY_SPECIALIZED,
    "中专毕业": EducationLevel.SECONDARY_SPECIALIZED,
    "中等专科": EducationLevel.SECONDARY_SPECIALIZED,
    "高中": EducationLevel.HIGH_SCHOOL,
    "普通高中": EducationLevel.HIGH_SCHOOL,
    "初中": EducationLevel.JUNIOR_HIGH,
    "小学": EducationLevel.PRIMARY,
}


class EducationBand(models.TextChoices):
    """Bands the roster filters and reports group education into."""

    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    JUNIOR_COLLEGE = "junior_college", "大学专科"
    SECONDARY_OR_BELOW = "secondary", "中专及以下"


EDUCATION_BAND_CODES = {
    EducationBand.POSTGRADUATE: [c for c in EducationLevel.values if c[0] == "1"],
    EducationBand.BACHELOR: [c for c in EducationLevel.values if c[0] == "2"],
    EducationBand.JUNIOR_COLLEGE: [c for c in EducationLevel.values if c[0] == "3"],
    EducationBand.SECONDARY_OR_BELOW: [c for c in EducationLevel.values if c[0] in "4678" or c == "90"],
}


class LeadershipLevel(models.TextChoices):
    """领导职务层次 (a leadership post's level, separate from 职级)."""

    COUNTY_CHIEF = "41", "县处级正职"
    COUNTY_DEPUTY = "42", "县处级副职"
    TOWNSHIP_CHIEF = "51", "乡科级正职"
    TOWNSHIP_DEPUTY = "52", "乡科级副职"


# The section-level team (科级干部) is made of these two levels.
SECTION_LEVELS = (LeadershipLevel.TOWNSHIP_CHIEF, LeadershipLevel.TOWNSHIP_DEPUTY)

LEADERSHIP_LEVEL_ALIASES = {
    "正科": LeadershipLevel.TOWNSHIP_CHIEF,
    "正科级": LeadershipLevel.TOWNSHIP_CHIEF,
    "副科": LeadershipLevel.TOWNSHIP_DEPUTY,
    "副科级": LeadershipLevel.TOWNSHIP_DEPUTY,
    "正处": LeadershipLevel.COUNTY_CHIEF,
    "副处": LeadershipLevel.COUNTY_DEPUTY,
}


class Rank(models.TextChoices):
    """职级 under the 2019 parallel system, most senior first."""

    INSPECTOR_1 = "01", "一级巡视员"
    INSPECTOR_2 = "02", "二级巡视员"
    RESEARCHER_1 = "03", "一级调研员"
    RESEARCHER_2 = "04", "二级调研员"
    RESEARCHER_3 = "05", "三级调研员"
    RESEARCHER_4 = "06", "四级调研员"
    PRINCIPAL_STAFF_1 = "07", "一级主任科员"
    PRINCIPAL_STAFF_2 = "08", "二级主任科员"
    PRINCIPAL_STAFF_3 = "09", "三级主任科员"
    PRINCIPAL_STAFF_4 = "10", "四级主任科员"
    STAFF_1 = "11", "一级科员"
    STAFF_2 = "12", "二级科员"


class PersonnelStatus(models.TextChoices):
    """人员状态."""

    ACTIVE = "active", "在职"
    TRANSFERRED = "transferred", "调出"
    RETIRED = "retired", "退休"
    REMOVED = "removed", "免职"
    RESIGNED = "resigned", "辞职"
    DECEASED = "deceased", "去世"


class AgeBand(models.TextChoices):
    """Age bands (周岁) of the roster filter and the monthly report."""

    UP_TO_30 = "0-30", "30岁及以下"
    FROM_31_TO_35 = "31-35", "31—35岁"
    FROM_36_TO_40 = "36-40", "36—40岁"
    FROM_41_TO_45 = "41-45", "41—45岁"
    FROM_46_TO_50 = "46-50", "46—50岁"
    FROM_51_TO_55 = "51-55", "51—55岁"
    OVER_55 = "56-", "56岁及以上"

    @property
    def bounds(self) -> tuple[int, int | None]:
        """Return the inclusive (lowest, highest) age of the band; highest None = open."""
        low, _, high = self.value.partition("-")
        return int(low), int(high) if high else None


def choice_by_name(choices: type[models.TextChoices], name: str, aliases: dict | None = None):
    """Return the member of ``choices`` whose label (or alias) is ``name``, else None."""
    for member in choices:
        if member.label == name:
            return member
    if aliases and name in aliases:
        return aliases[name]
    return None
