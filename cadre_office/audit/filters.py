"""The audit log's filter bar, built by ``selectors.audit_filterset`` (cadre_office.lists).

Dates are local (Asia/Shanghai) and inclusive; a complete address matches exactly, a fragment
such as ``10.2.`` matches the addresses starting with it.
"""

import datetime as dt
import ipaddress

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils import timezone

from cadre_office.audit.models import AuditEvent
from cadre_office.lists import ListFilterSet, blank_choice

# Messages users see, defined once (tests import them).
DATE_RANGE_REVERSED = "结束日期不能早于开始日期。"
IP_INVALID = "地址只能包含数字、字母a-f、点和冒号。"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """The form the FilterSet fills with its fields: it checks that the range is the right way round."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATE_RANGE_REVERSED)
        return cleaned


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterSet(ListFilterSet):
    """The audit log's filters. Those that do not validate are shown with their error and left out."""

    search_field = ""

    date_from = django_filters.DateFilter(label="日期从", method="filter_date_from", widget=DateInput())
    date_to = django_filters.DateFilter(label="日期至", method="filter_date_to", widget=DateInput())
    username = django_filters.CharFilter(label="用户名", field_name="username", lookup_expr="icontains",
                                         max_length=150)
    event = django_filters.ChoiceFilter(label="事件", empty_label=None,
                                        choices=blank_choice("全部事件", AuditEvent.Event.choices))
    outcome = django_filters.ChoiceFilter(label="结果", empty_label=None,
                                          choices=blank_choice("全部结果", AuditEvent.Outcome.choices))
    ip = django_filters.CharFilter(label="地址", method="filter_ip", max_length=45,
                                   validators=[RegexValidator(r"^[0-9A-Fa-f.:]*$", IP_INVALID)])
    q = django_filters.CharFilter(label="对象", method="filter_q", max_length=100)

    class Meta:
        form = AuditFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.form.fields
        fields["username"].widget.attrs.update(placeholder="账号或其片段", autocomplete="off")
        fields["ip"].widget.attrs.update(placeholder="如 10.1.2.3 或 10.1.", autocomplete="off")
        fields["q"].widget.attrs.update(placeholder="对象名称或编号", autocomplete="off")

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_date_to(self, queryset, name, value):
        # Up to the end of that day: before the start of the next one (index-friendly, no date cast).
        return queryset.filter(at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_ip(self, queryset, name, value):
        text = value.strip()
        try:
            return queryset.filter(ip=str(ipaddress.ip_address(text)))
        except ValueError:
            return queryset.filter(ip__startswith=text)

    def filter_q(self, queryset, name, value):
        q = value.strip()
        if not q:
            return queryset
        return queryset.filter(Q(object_repr__icontains=q) | Q(object_id=q) | Q(object_type__iexact=q))

    def as_detail(self) -> dict:
        """Return the filters that are set (and valid), as JSON-ready text (for the export's own audit row)."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {name: value.isoformat() if isinstance(value, dt.date) else value
                for name, value in data.items() if value not in (None, "")}
