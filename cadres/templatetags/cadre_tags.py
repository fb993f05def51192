from django import template
from django.utils.html import format_html

from cadre_office.dates import age_on as _age_on
from cadre_office.dates import format_month
from cadres import codes
from cadres.codes import PersonnelStatus
from cadres.dates import format_precise
from cadres.retirement import outlook
from cadres.selectors import highest_education as _highest_education

register = template.Library()


@register.filter
def age_on(birth_date, day):
    """Full years (周岁) on ``day``."""
    return _age_on(birth_date, day) if birth_date and day else ""


@register.filter
def month(day):
    """A date to the month, as rosters write it: 2014.05."""
    return format_month(day)


@register.simple_tag
def precise(obj, name):
    """Field ``name`` of ``obj`` as recorded: 2014.05 when to the month (its ``<name>_precision``), else 2014-05-01."""
    return format_precise(getattr(obj, name), getattr(obj, f"{name}_precision", None))


@register.simple_tag(takes_context=True)
def birth(context, birth_date):
    """The birth date as the viewer may see it: in full with the full-ID right, else to the month.

    A full birth date beside a masked number would give the number away (docs/security.md, masking).
    """
    request = context.get("request")
    if request is not None and request.user.has_perm("cadres.view_full_id_number"):
        return f"{birth_date:%Y-%m-%d}" if birth_date else ""
    return format_month(birth_date)


@register.simple_tag(takes_context=True)
def birth_label(context):
    """出生日期 for those who see it in full, 出生年月 for everyone else."""
    request = context.get("request")
    return "出生日期" if request is not None and request.user.has_perm("cadres.view_full_id_number") else "出生年月"


@register.simple_tag
def highest_education(cadre, kind):
    return _highest_education(cadre, kind)


_STATUS_CLASSES = {
    PersonnelStatus.ACTIVE: "text-bg-success",
    PersonnelStatus.TRANSFERRED: "text-bg-secondary",
    PersonnelStatus.RETIRED: "text-bg-secondary",
    PersonnelStatus.REMOVED: "text-bg-warning",
    PersonnelStatus.RESIGNED: "text-bg-secondary",
    PersonnelStatus.DECEASED: "text-bg-dark",
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


@register.simple_tag
def retirement_outlook(cadre, day):
    """The cadre's statutory retirement month and, seen from ``day``, the months left or overdue."""
    if not (cadre.birth_date and cadre.gender and day):
        return None
    return outlook(cadre.birth_date, cadre.gender, day)


@register.simple_tag
def status_text(cadre):
    """人员状态 with its date and reason, as the record shows it: 退休（2026-03-01）：达到法定退休年龄."""
    text = cadre.get_status_display()
    if cadre.status != PersonnelStatus.ACTIVE:
        if cadre.status_date:
            text += f"（{cadre.status_date:%Y-%m-%d}）"
        if cadre.status_reason:
            text += f"：{cadre.status_reason}"
    return text
