"""Child records of a cadre (学历, 任职, 职级, 考核, 处分 …): what each kind is, declared once.

A kind of record is a ``RecordType`` subclass: its model (with a ``cadre`` foreign key), its
form, the permission each action needs, its labels, the tab of the record page it shows in and
the columns it shows there, and the hooks its service runs. ``register`` adds it to the one
registry that the record page, its change history, the create / edit / delete views
(``cadres.views.records``), their URLs (``record_urls``) and the save / delete service
(``cadres.services.records``) all read. A kind another app owns is registered from that app's
``AppConfig.ready`` (oversight registers 年度考核 and 处分与诫勉), so this app never imports it.

Adding a kind of record::

    @register
    class Commendation(RecordType):
        model = Commendation
        form_class = CommendationForm
        slug, url_prefix, tab = "commendation", "commendations", AWARDS_TAB
        namespace = "oversight"
        columns = (Column("日期", "decided_on"), Column("名称", "title"))
        order_by = ("-decided_on", "-id")

A tab may show a summary above its tables (``Tab.summary``: the 简历 as the appointment form
writes it, the 奖惩情况). A kind may contribute a line to the 奖惩情况 (``rewards_penalties_line``):
rewards do, and so do the 处分 oversight registers, so the roster composes that text without
importing oversight (``cadres.selectors.rewards_and_penalties``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.template.loader import render_to_string
from django.utils.html import format_html

from cadres.dates import format_precise

# --- tabs and columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TabSummary:
    """What a tab shows above its tables: ``template`` rendered with ``context``.

    ``count``, when given, is what the tab's badge counts instead of its records (the lines of the résumé).
    """

    template: str
    context: dict
    count: int | None = None


@dataclass(frozen=True)
class Tab:
    """A tab of the record page that one or more kinds of record show in; ``order`` places it.

    ``summary(cadre)``, when given, returns a ``TabSummary`` shown above the tab's tables; it reads
    the records the record page prefetched. ``permission``, when given, is what a user needs to see
    the tab at all (a tab of another app's data, registered with ``register_tab``).
    """

    key: str
    label: str
    order: int
    summary: Callable[[models.Model], TabSummary] | None = field(default=None, compare=False, repr=False)
    permission: str = field(default="", compare=False)


@dataclass(frozen=True)
class DatedLine:
    """A dated line of a text the appointment form writes (奖惩情况): "2019.12 被评为区优秀公务员（县级）"."""

    date: dt.date
    text: str

    def __str__(self):
        return f"{self.date:%Y.%m} {self.text}"


@dataclass(frozen=True)
class Column:
    """A column of a record kind's table: a header and what the cell shows.

    ``value`` names a model field (a date to the precision it was recorded with, a choice by its
    label, an empty value as —), or is a callable that takes the record and returns the cell.
    """

    label: str
    value: str | Callable
    nowrap: bool = False

    def render(self, obj):
        if callable(self.value):
            return self.value(obj)
        return display_value(obj, self.value)


def display_value(obj: models.Model, name: str):
    """Return field ``name`` of ``obj`` as the record page shows it."""
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    if value in (None, ""):
        return "—"
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    if isinstance(value, dt.date):
        return format_precise(value, getattr(obj, f"{name}_precision", None))
    if field.is_relation:
        return str(getattr(obj, name))
    return value


def badge(text: str, tone: str = "secondary"):
    """Return a Bootstrap badge, for a cell that flags a state (现任, 影响期内)."""
    return format_html('<span class="badge text-bg-{}">{}</span>', tone, text)


# --- the kinds of record -------------------------------------------------------------------------

ACTIONS = ("add", "change", "delete")


class RecordType:
    """One kind of child record. Subclass it, set the attributes, decorate with ``register``.

    Hooks (override as needed) run inside the save / delete service's transaction:
    ``before_save`` may refuse with a ValidationError or prepare related rows; ``after_save`` and
    ``after_delete`` keep derived data in step (the cadre's cached current post, say).
    """

    model: type[models.Model]
    form_class: type  # a ModelForm of ``model``
    create_form_class: type | None = None  # when creating asks for other fields (a new post)
    slug: str  # URL names: <namespace>:<slug>_create / _update / _delete
    url_prefix: str  # URL path: <cadre_pk>/<url_prefix>/new/ …
    namespace: str = "cadres"
    tab: Tab
    label: str = ""  # what it is called in headings and the change history; the model's verbose_name
    columns: tuple[Column, ...] = ()
    order_by: tuple[str, ...] = ("-id",)
    select_related: tuple[str, ...] = ()
    update_link_label = "修改"
    empty_text = ""
    # Where the kind's table stands among the others of its tab (then by registration).
    position: int = 0
    section_title = ""  # the heading of its table where the tab shows more than it; default the label
    printed = True  # False: the printed record leaves the table out (the tab's summary already says it)
    # Permission codenames per action; None: the model's own add_/change_/delete_ permissions.
    permissions: dict[str, str] | None = None
    # Change reasons written to the history (and the audit row); default: the label, 删除 + label.
    reasons: dict[str, str] = {}

    def __init__(self):
        self.label = self.label or str(self.model._meta.verbose_name)
        self.related_name = self.model._meta.get_field("cadre").remote_field.get_accessor_name()

    def __repr__(self):
        return f"<RecordType {self.namespace}:{self.slug}>"

    # --- declarations read by the views and the page

    def permission(self, action: str) -> str:
        if self.permissions:
            return self.permissions[action]
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def may(self, user, action: str) -> bool:
        return user.has_perm(self.permission(action))

    def reason(self, action: str) -> str:
        default = {"add": self.label, "change": self.label, "delete": f"删除{self.label}"}[action]
        return self.reasons.get(action, default)

    def heading(self, action: str) -> str:
        return {"add": f"新增{self.label}", "change": f"修改{self.label}", "delete": f"删除{self.label}"}[action]

    def get_form_class(self, action: str):
        return (self.create_form_class if action == "add" else None) or self.form_class

    def form_kwargs(self, *, user, cadre) -> dict:
        """Extra keyword arguments of the form (the departments the user may choose, say)."""
        return {}

    def initial(self, cadre) -> dict:
        """Initial values of the create form."""
        return {}

    def intro(self, cadre) -> str:
        """A sentence above the form saying what to enter there ("" for none)."""
        return ""

    def save_options(self, form) -> dict:
        """Options the form gives the save hooks (a new post held concurrently, say)."""
        return {}

    def queryset(self):
        """The records of this kind as the record page lists them.

        ``select_related()`` without names would join every foreign key, the cadre too: each record
        would then carry a copy of its cadre rather than the one the page prefetched it for.
        """
        queryset = self.model.objects.order_by(*self.order_by)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def row_class(self, obj) -> str:
        return ""

    def rewards_penalties_line(self, obj) -> DatedLine | None:
        """Return the line ``obj`` adds to the cadre's 奖惩情况; kinds that add none leave this alone."""
        return None

    @property
    def contributes_rewards_penalties(self) -> bool:
        return type(self).rewards_penalties_line is not RecordType.rewards_penalties_line

    # --- service hooks (cadres.services.records)

    def before_save(self, *, actor, obj, adding: bool, reason: str, **options) -> None:
        pass

    def after_save(self, *, actor, obj, adding: bool, reason: str, **options) -> None:
        pass

    def after_delete(self, *, actor, obj, cadre, reason: str) -> None:
        pass


# --- the registry --------------------------------------------------------------------------------

_registry: dict[tuple[str, str], RecordType] = {}
_tabs: dict[str, Tab] = {}


def register(cls: type[RecordType]) -> type[RecordType]:
    """Register a kind of record (a class decorator); each (namespace, slug) once."""
    record_type = cls()
    key = (record_type.namespace, record_type.slug)
    if key in _registry and type(_registry[key]) is not cls:
        raise ValueError(f"record type {key} is registered twice")
    _registry[key] = record_type
    _tabs.setdefault(record_type.tab.key, record_type.tab)
    return cls


def register_tab(tab: Tab) -> Tab:
    """Register a tab that shows only its summary (no kind of record of its own): another app's view of
    the cadre, such as training's 培养 tab. Once per key."""
    _tabs.setdefault(tab.key, tab)
    return tab


def record_types(namespace: str | None = None) -> list[RecordType]:
    """Return the registered kinds (of one URL namespace), in the order of their tabs, then their
    positions in the tab, then registration."""
    types = [t for t in _registry.values() if namespace is None or t.namespace == namespace]
    return sorted(types, key=lambda t: (t.tab.order, t.position))


def record_type_for(model: type[models.Model]) -> RecordType:
    """Return the kind of record whose model is ``model``."""
    for record_type in _registry.values():
        if record_type.model is model:
            return record_type
    raise LookupError(f"{model.__name__} is not a registered record type")


def tabs() -> list[Tab]:
    return sorted(_tabs.values(), key=lambda tab: tab.order)


# --- the record page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    obj: models.Model
    cells: list
    css_class: str
    update_url: str
    delete_url: str


@dataclass(frozen=True)
class Section:
    """One kind's table on the record page, with what ``user`` may do there."""

    record_type: RecordType
    columns: tuple[Column, ...]
    rows: list[Row]
    create_url: str
    create_label: str
    can_change: bool
    can_delete: bool
    empty_text: str
    empty_hint: str = ""  # what to click to add one (not printed)


@dataclass(frozen=True)
class TabView:
    tab: Tab
    sections: list[Section]
    summary: str = ""  # the rendered ``Tab.summary``
    summary_count: int | None = None

    @property
    def count(self) -> int:
        if self.summary_count is not None:
            return self.summary_count
        return sum(len(section.rows) for section in self.sections)


def record_page_tabs(user, cadre) -> list[TabView]:
    """Return the record tabs of ``cadre`` (from the prefetched records) as ``user`` sees them.

    ``cadre`` is one the user may see (``selectors.cadre_record`` prefetches every kind).
    """
    from django.urls import reverse

    views = []
    for tab in tabs():
        if tab.permission and not user.has_perm(tab.permission):
            continue
        sections = []
        for record_type in [t for t in record_types() if t.tab == tab]:
            can = {action: record_type.may(user, action) for action in ACTIONS}

            def url(action, *args, record_type=record_type):
                return reverse(f"{record_type.namespace}:{record_type.slug}_{action}", args=[cadre.pk, *args])

            rows = [
                Row(obj=obj, cells=[(column, column.render(obj)) for column in record_type.columns],
                    css_class=record_type.row_class(obj),
                    update_url=url("update", obj.pk) if can["change"] else "",
                    delete_url=url("delete", obj.pk) if can["delete"] else "")
                for obj in getattr(cadre, record_type.related_name).all()
            ]
            create_url = url("create") if can["add"] else ""
            empty = record_type.empty_text or f"尚无{record_type.label}记录"
            sections.append(Section(
                record_type=record_type, columns=record_type.columns, rows=rows, create_url=create_url,
                create_label=record_type.heading("add"), can_change=can["change"], can_delete=can["delete"],
                empty_text=f"{empty}。",
                empty_hint=f"点击“{record_type.heading('add')}”录入。" if create_url else "",
            ))
        summary = tab.summary(cadre) if tab.summary else None
        views.append(TabView(
            tab=tab, sections=sections,
            summary=render_to_string(summary.template, {"cadre": cadre, **summary.context}) if summary else "",
            summary_count=summary.count if summary else None,
        ))
    return views
