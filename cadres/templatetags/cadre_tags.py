from django import template
from django.utils.html import format_html

from cadre_office.dates import age_on as _age_on
from cadres import codes
from cadres.codes import PersonnelStatus
from cadres.selectors import highest_education as _highest_education

register = template.Library()


@register.filter
def age_on(birth_date, day):
    """Full years (周岁) on ``day``."""
    return _age_on(birth_date, day) if birth_date and day else ""


@register.simple_tag
def highest_education(cadre, kind):
    return _highest_education(cadre, kind)


_STATUS_CLASSES = {
    PersonnelStatus.ACTIVE: "text-bg-success",
    PersonnelStatus.TRANSFERRED: "text-bg-secondary",
    PersonnelStatus.RETIRED: "text-bg-secondary",
    PersonnelStatus.REMOVED: "text-bg-warning",
}


@register.simple_tag
def status_badge(cadre):
    return format_html('<span class="badge {}">{}</span>', _STATUS_CLASSES.get(cadre.status, "text-bg-light"),
                       cadre.get_status_display())


@register.filter
def code_label(code, table):
    """Show the name of ``code`` in code table ``table`` (a class of cadres.codes)."""
    choices = getattr(codes, table)
    return choices(code).label if code in choices.values else ""
