"""The roster's own kinds of child record (registered in ``CadresConfig.ready``): 学历学位, 职务任职,
职级, and the sections of the appointment form: 简历, 家庭成员及主要社会关系, 奖励.

Editing any of them needs the right to change cadres (``cadres.change_cadre``), as the basic data
does. A new post or rank ends the open one the day before it starts (unless held concurrently);
every change to a post or rank refreshes the cadre's cached current post and rank.

The 考核与奖惩 tab is declared here, where rewards live; oversight adds its 年度考核 and 处分与诫勉
to it, and its 处分 lines to the 奖惩情况 shown on top (``cadres.selectors.rewards_and_penalties``).
"""

from cadres import forms
from cadres.models import Education, FamilyMember, PostAssignment, RankAssignment, ResumeEntry, Reward
from cadres.records import Column, DatedLine, RecordType, Tab, TabSummary, badge, display_value, register
from cadres.resume import periods_overlap
from cadres.selectors import department_choices, resume_of, rewards_and_penalties
from cadres.services.cadres import close_open_assignments, refresh_current_assignments

EDIT_CADRE = dict.fromkeys(("add", "change", "delete"), "cadres.change_cadre")


def _end_or_current(obj):
    return display_value(obj, "end_date") if obj.end_date else badge("现任", "success")


@register
class EducationRecord(RecordType):
    model = Education
    form_class = forms.EducationForm
    slug, url_prefix, tab = "education", "educations", Tab("education", "学历学位", 10)
    permissions = EDIT_CADRE
    order_by = ("kind", "level", "id")  # full-time first, each by level
    columns = (
        Column("教育类别", "kind"), Column("学历", "level"), Column("学位", "degree"),
        Column("毕业院校系及专业", "school_major"), Column("毕业时间", "graduation_date", nowrap=True),
    )


class _AssignmentRecord(RecordType):
    """Posts and ranks: one open at a time unless concurrent; the cadre caches the current one."""

    permissions = EDIT_CADRE
    order_by = ("-start_date", "-id")

    def row_class(self, obj) -> str:
        return "" if obj.end_date else "table-current"

    def save_options(self, form) -> dict:
        return {"close_previous": not form.cleaned_data.get("concurrent", False)} if form.instance._state.adding \
            else {}

    def before_save(self, *, actor, obj, adding, reason, close_previous=False, **options):
        if adding and close_previous:
            close_open_assignments(actor=actor, queryset=getattr(obj.cadre, self.related_name).all(),
                                   start_date=obj.start_date, reason=reason)

    def after_save(self, *, actor, obj, adding, reason, refresh=True, **options):
        # ``refresh=False``: the caller sets the cadre's cached current post and rank itself, in the
        # one save of the cadre it makes anyway (leaving service ends them all: cadre_set_status).
        if refresh:
            refresh_current_assignments(actor=actor, cadre=obj.cadre, reason=reason)

    def after_delete(self, *, actor, obj, cadre, reason):
        refresh_current_assignments(actor=actor, cadre=cadre, reason=reason)


@register
class PostRecord(_AssignmentRecord):
    model = PostAssignment
    form_class, create_form_class = forms.PostEditForm, forms.PostStartForm
    slug, url_prefix, tab = "post", "posts", Tab("posts", "职务任职", 20)
    select_related = ("department",)
    reasons = {"add": "任职", "change": "更正任职记录", "delete": "删除任职记录"}
    update_link_label = "修改/免职"
    columns = (
        Column("任职时间", "start_date", nowrap=True), Column("免职时间", _end_or_current, nowrap=True),
        Column("任职单位", "department"), Column("职务名称", "title"), Column("职务层次", "level"),
        Column("文号", "document"),
    )

    def heading(self, action):
        return {"add": "新增任职", "change": "修改任职记录（更正或免职）"}.get(action) or super().heading(action)

    def form_kwargs(self, *, user, cadre):
        return {"departments": department_choices(user)}

    def initial(self, cadre):
        return {"department": cadre.department_id}


@register
class RankRecord(_AssignmentRecord):
    model = RankAssignment
    form_class, create_form_class = forms.RankEditForm, forms.RankStartForm
    slug, url_prefix, tab = "rank", "ranks", Tab("ranks", "职级", 30)
    reasons = {"add": "职级晋升", "change": "更正职级记录", "delete": "删除职级记录"}
    columns = (
        Column("任职级时间", "start_date", nowrap=True), Column("终止时间", _end_or_current, nowrap=True),
        Column("职级", "rank"), Column("文号", "document"),
    )

    def heading(self, action):
        return {"add": "新增职级", "change": "修改职级记录"}.get(action) or super().heading(action)


# --- the sections of the appointment form ------------------------------------------------------------


def _resume_summary(cadre) -> TabSummary:
    resume = resume_of(cadre)
    return TabSummary("cadres/_resume_summary.html", {"resume": resume}, count=len(resume.lines))


def _awards_summary(cadre) -> TabSummary:
    return TabSummary("cadres/_rewards_penalties_summary.html", {"lines": rewards_and_penalties(cadre)})


RESUME_TAB = Tab("resume", "简历", 35, summary=_resume_summary)
AWARDS_TAB = Tab("oversight", "考核与奖惩", 50, summary=_awards_summary)
FAMILY_TAB = Tab("family", "家庭成员", 60)


def _end_or_open(obj):
    return display_value(obj, "end_date") if obj.end_date else "至今"


def _overlap_flag(entry):
    """Flag an entered line that overlaps the post history (the cadre's posts, prefetched with the entries)."""
    if any(periods_overlap(entry.start_date, entry.end_date, post.start_date, post.end_date)
           for post in entry.cadre.posts.all() if post.start_date):
        return badge("与任职记录重叠", "warning")
    return "—"


@register
class ResumeRecord(RecordType):
    model = ResumeEntry
    form_class = forms.ResumeEntryForm
    slug, url_prefix, tab = "resume", "resume", RESUME_TAB
    label = "简历"
    section_title = "录入的简历（任职记录之前的学习和工作经历）"
    printed = False  # the résumé above already holds these lines
    permissions = EDIT_CADRE
    order_by = ("start_date", "id")
    empty_text = "尚无录入的简历"
    columns = (
        Column("起始时间", "start_date", nowrap=True), Column("截止时间", _end_or_open, nowrap=True),
        Column("单位", "unit"), Column("职务（身份）", "post"), Column("核对", _overlap_flag, nowrap=True),
    )

    def heading(self, action):
        return {"add": "新增简历", "change": "修改简历", "delete": "删除简历"}[action]

    def intro(self, cadre):
        starts = cadre.posts.exclude(start_date=None).order_by("start_date").values_list("start_date", flat=True)
        joined = starts.first()
        since = f"{joined:%Y.%m} 起的" if joined else "有任职记录以后的"
        return (f"简历中{since}各行取自“职务任职”记录，不必在此录入；此处录入此前的学习和工作经历，"
                "时间填到月，如：2002.09 至 2006.07，某某大学法律系，学生。")


@register
class FamilyMemberRecord(RecordType):
    model = FamilyMember
    form_class = forms.FamilyMemberForm
    slug, url_prefix, tab = "family", "family", FAMILY_TAB
    label = "家庭成员"
    permissions = EDIT_CADRE
    columns = (
        Column("称谓", "relation", nowrap=True), Column("姓名", "name", nowrap=True),
        Column("出生日期", "birth_date", nowrap=True), Column("政治面貌", "political_status", nowrap=True),
        Column("工作单位及职务", "work_unit_and_post"),
    )

    def queryset(self):
        return self.model.objects.in_form_order()  # by 称谓, then age


@register
class RewardRecord(RecordType):
    model = Reward
    form_class = forms.RewardForm
    slug, url_prefix, tab = "reward", "rewards", AWARDS_TAB
    permissions = EDIT_CADRE
    position = -1  # before oversight's 年度考核 and 处分与诫勉
    order_by = ("-granted_on", "-id")
    columns = (
        Column("授予时间", "granted_on", nowrap=True), Column("奖励类别", "kind", nowrap=True),
        Column("奖励名称", "name"), Column("级别", "level", nowrap=True), Column("授予单位", "granted_by"),
    )

    def rewards_penalties_line(self, obj):
        return DatedLine(obj.granted_on, obj.phrase)
