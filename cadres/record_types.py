"""The roster's own kinds of child record: 学历学位, 职务任职, 职级 (registered in ``CadresConfig.ready``).

Editing any of them needs the right to change cadres (``cadres.change_cadre``), as the basic data
does. A new post or rank ends the open one the day before it starts (unless held concurrently);
every change to a post or rank refreshes the cadre's cached current post and rank.
"""

from cadres import forms
from cadres.models import Education, PostAssignment, RankAssignment
from cadres.records import Column, RecordType, Tab, badge, display_value, register
from cadres.selectors import department_choices
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

    def after_save(self, *, actor, obj, adding, reason, **options):
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
