"""The 考核与奖惩 tab of a cadre's record page: 年度考核 and 处分与诫勉, registered with the roster.

Registered from ``OversightConfig.ready``: the roster reads them from its registry
(``cadres.records``) and never imports this app. Each action needs the model's own permission
(纪检监察 and 局领导 read the tab; personnel staff enter it).
"""

from django.utils import timezone
from django.utils.html import format_html

from cadres.records import Column, RecordType, Tab, badge, display_value, register
from oversight.forms import AppraisalForm, DisciplineForm
from oversight.models import AnnualAppraisal, DisciplineAction
from oversight.services import appraisal_check, discipline_check

OVERSIGHT_TAB = Tab("oversight", "考核与奖惩", 50)
_GRADE_TONES = dict.fromkeys(AnnualAppraisal.NEGATIVE_GRADES, "danger") | {
    AnnualAppraisal.Grade.EXCELLENT: "success"}


def _grade(obj):
    return badge(obj.get_grade_display(), _GRADE_TONES.get(obj.grade, "secondary"))


def _effect_until(obj):
    if obj.effect_until >= timezone.localdate():
        return format_html("{} {}", display_value(obj, "effect_until"), badge("影响期内", "danger"))
    return display_value(obj, "effect_until")


@register
class AppraisalRecord(RecordType):
    model = AnnualAppraisal
    form_class = AppraisalForm
    namespace, slug, url_prefix, tab = "oversight", "appraisal", "appraisals", OVERSIGHT_TAB
    order_by = ("-year",)
    columns = (Column("年度", "year", nowrap=True), Column("等次", _grade))

    def before_save(self, *, obj, **kwargs):
        appraisal_check(obj)


@register
class DisciplineRecord(RecordType):
    model = DisciplineAction
    form_class = DisciplineForm
    namespace, slug, url_prefix, tab = "oversight", "discipline", "disciplines", OVERSIGHT_TAB
    order_by = ("-decided_on", "-id")
    columns = (
        Column("类别", "kind", nowrap=True), Column("决定日期", "decided_on", nowrap=True),
        Column("影响期至", _effect_until, nowrap=True), Column("事由", "summary"),
    )

    def before_save(self, *, obj, **kwargs):
        discipline_check(obj)
