"""考察 visits and the shortcomings they found, on the 定期考察 tab of a cadre's record page.

Registered with the roster (``cadres.records``) from ``OversightConfig.ready``: the generic
create / edit / delete views, history and audit serve them. A shortcoming names one of the
cadre's visits (``before_save`` refuses another cadre's); it stays open until 整改完成日期 is set
(``oversight.selectors.open_shortcomings`` reads the open ones).
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join

from cadres.records import Column, RecordType, Tab, badge, display_value, register
from oversight import messages_inspection as msg
from oversight.forms_inspection import InspectionVisitForm, ShortcomingForm
from oversight.models import InspectionShortcoming, InspectionVisit, Rating

INSPECTION_TAB = Tab("inspection", "定期考察", 55)
_TONES = {Rating.GOOD: "success", Rating.FAIR: "primary", Rating.AVERAGE: "secondary", Rating.POOR: "danger"}


def _ratings(visit):
    return format_html_join(" ", "{} {}", (
        (label, badge(getattr(visit, f"get_{key}_rating_display")(), _TONES.get(getattr(visit, f"{key}_rating"))))
        for key, label in InspectionVisit.ASPECTS))


def _open_count(visit):
    count = sum(1 for item in visit.shortcomings.all() if item.resolved_on is None)
    total = len(visit.shortcomings.all())
    if not total:
        return "—"
    return format_html("{} 条{}", total, badge(f"{count} 条未整改", "warning") if count else "")


def _resolved(item):
    return display_value(item, "resolved_on") if item.resolved_on else badge("未整改", "warning")


@register
class InspectionVisitRecord(RecordType):
    model = InspectionVisit
    form_class = InspectionVisitForm
    namespace, slug, url_prefix, tab = "oversight", "inspection_visit", "inspections", INSPECTION_TAB
    order_by = ("-visited_on", "-id")
    columns = (Column("考察日期", "visited_on", nowrap=True), Column("考察人员", "inspectors"),
               Column("考察评价", _ratings), Column("发现的不足", _open_count, nowrap=True))
    empty_text = "尚无考察记录"

    def queryset(self):
        return super().queryset().prefetch_related(Prefetch("shortcomings", InspectionShortcoming.objects.order_by()))


@register
class ShortcomingRecord(RecordType):
    model = InspectionShortcoming
    form_class = ShortcomingForm
    namespace, slug, url_prefix, tab = "oversight", "shortcoming", "shortcomings", INSPECTION_TAB
    order_by = ("-visit__visited_on", "pk")
    select_related = ("visit",)
    position = 10
    columns = (Column("考察日期", lambda item: display_value(item.visit, "visited_on"), nowrap=True),
               Column("方面", "area", nowrap=True), Column("不足之处", "description"),
               Column("培养建议", "suggestion"), Column("整改", _resolved, nowrap=True))
    empty_text = "尚无考察发现的不足"

    def form_kwargs(self, *, user, cadre):
        return {"cadre": cadre}

    def intro(self, cadre):
        return "每条不足单独登记；整改完成后填写整改完成日期。未整改的不足会列入干部培养计划。"

    def before_save(self, *, obj, **kwargs):
        if obj.visit_id and obj.visit.cadre_id != obj.cadre_id:
            raise ValidationError({"visit": msg.SHORTCOMING_VISIT_MISMATCH})
