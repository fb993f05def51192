"""年度考核, 处分与诫勉 and 民主测评 on the 考核与奖惩 tab of a cadre's record page, registered with the roster.

Registered from ``OversightConfig.ready``: the roster reads them from its registry
(``cadres.records``) and never imports this app. The tab is the roster's (its rewards show there
too); each 处分 adds its line to the 奖惩情况 the tab shows on top (``rewards_penalties_line``).
Each action needs the model's own permission (纪检监察 and 局领导 read the tab; personnel staff
enter it).
"""

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.html import format_html

from cadres.record_types import AWARDS_TAB
from cadres.records import Column, DatedLine, RecordType, badge, display_value, register
from oversight import events
from oversight.forms import AppraisalForm, DisciplineForm, RecognitionForm
from oversight.models import AnnualAppraisal, DisciplineAction, RecognitionEvaluation
from oversight.services import appraisal_check, discipline_check
from oversight.services.adjustments import recognition_check

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
    namespace, slug, url_prefix, tab = "oversight", "appraisal", "appraisals", AWARDS_TAB
    order_by = ("-year",)
    columns = (Column("年度", "year", nowrap=True), Column("等次", _grade))

    def before_save(self, *, obj, **kwargs):
        appraisal_check(obj)

    # A grade changed: the flag rules (动态管理) look at the cadre again.
    def after_save(self, *, actor, obj, **kwargs):
        events.record_changed.send(actor=actor, cadre=obj.cadre)

    def after_delete(self, *, actor, cadre, **kwargs):
        events.record_changed.send(actor=actor, cadre=cadre)


@register
class DisciplineRecord(RecordType):
    model = DisciplineAction
    form_class = DisciplineForm
    namespace, slug, url_prefix, tab = "oversight", "discipline", "disciplines", AWARDS_TAB
    order_by = ("-decided_on", "-id")
    columns = (
        Column("类别", "kind", nowrap=True), Column("决定日期", "decided_on", nowrap=True),
        Column("影响期至", _effect_until, nowrap=True), Column("事由", "summary"),
    )

    def before_save(self, *, obj, **kwargs):
        discipline_check(obj)

    def after_save(self, *, actor, obj, adding, **kwargs):
        # A discipline asks for a 提醒谈话, an 诫勉 for an 诫勉谈话, within a month (once per record).
        admonition = obj.kind == DisciplineAction.Kind.ADMONITION
        what = "被诫勉" if admonition else f"受到{obj.get_kind_display()}处分"
        events.talk_required.send(actor=actor, cadre=obj.cadre, kind="admonition" if admonition else "reminder",
                                  due_on=obj.decided_on + relativedelta(months=1), source=f"discipline:{obj.pk}",
                                  reason=f"{obj.decided_on:%Y-%m-%d} {what}")

    def rewards_penalties_line(self, obj):
        """受到警告处分; 被诫勉 (诫勉 is an organisational measure, not a 处分)."""
        if obj.kind == DisciplineAction.Kind.ADMONITION:
            return DatedLine(obj.decided_on, "被诫勉")
        return DatedLine(obj.decided_on, f"受到{obj.get_kind_display()}处分")


def _rate(obj):
    rate = obj.rate
    return format_html("{}%", rate) if rate is not None else "—"


@register
class RecognitionRecord(RecordType):
    """民主测评 results; a low 认可度 raises a 动态管理 flag (``oversight.flags.low_recognition``)."""

    model = RecognitionEvaluation
    form_class = RecognitionForm
    namespace, slug, url_prefix, tab = "oversight", "recognition", "recognitions", AWARDS_TAB
    order_by = ("-evaluated_on", "-id")
    columns = (
        Column("测评名称", "occasion"), Column("测评日期", "evaluated_on", nowrap=True),
        Column("参评人数", "participants", nowrap=True), Column("认可票数", "approving", nowrap=True),
        Column("认可度", _rate, nowrap=True),
    )

    def before_save(self, *, obj, **kwargs):
        recognition_check(obj)

    def after_save(self, *, actor, obj, **kwargs):
        events.record_changed.send(actor=actor, cadre=obj.cadre)
