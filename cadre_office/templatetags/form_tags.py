"""Template helpers shared by every page."""

from django import forms, template
from django.utils.http import urlencode

register = template.Library()

_CSS = {
    forms.Select: "form-select form-select-sm",
    forms.SelectMultiple: "form-select form-select-sm",
    forms.CheckboxInput: "form-check-input",
    forms.RadioSelect: "form-check-input",
    forms.ClearableFileInput: "form-control form-control-sm",
    forms.FileInput: "form-control form-control-sm",
}


@register.filter
def bootstrap_widget(field):
    """Render a bound field with Bootstrap's classes, marked invalid when it has errors."""
    widget = field.field.widget
    css = next((c for cls, c in _CSS.items() if isinstance(widget, cls)), "form-control form-control-sm")
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.simple_tag
def sort_link(query_string: str, current: str, key: str) -> str:
    """Return the query string that sorts by ``key``, reversing it when it is the current sort."""
    target = f"-{key}" if current == key else key
    prefix = f"{query_string}&" if query_string else ""
    return f"?{prefix}{urlencode({'sort': target})}"


@register.simple_tag
def sort_icon(current: str, key: str) -> str:
    if current == key:
        return "bi-caret-up-fill"
    if current == f"-{key}":
        return "bi-caret-down-fill"
    return "bi-arrow-down-up text-muted opacity-50"
