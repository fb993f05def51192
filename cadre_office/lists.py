"""List pages from one kit: a FilterSet inside each list selector, one view mixin, three includes.

An app's list is three declarations (anchor: HackSoft's selectors with a django-filter FilterSet,
NetBox's four-attribute list views):

- ``filters.py``: a ``ListFilterSet`` subclass, the filter bar's fields and what each one does
  to the queryset, with a ``SortFilter`` naming the orderings people may choose;
- ``selectors.py``: ``<thing>_filterset(user, data)`` builds that FilterSet over the user's scope
  (and ``<thing>_list(user, data)`` returns its ``.qs`` for exports and reports);
- ``views.py``: ``class XListView(FilteredListView)`` naming the selector, the template, the
  htmx partial and the permission.

The templates include ``includes/filter_bar.html`` (查询 / 重置, a search field first, hidden
sort), ``includes/list_summary.html`` (the count and the per-page selector) and
``includes/empty_state.html``. Filters that do not validate are shown with their error and left
out, never a 500; unknown sort keys keep the default order; every page works with a plain GET
and with htmx swapping only the results.
"""

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Case, F, IntegerField, Value, When
from django.views.generic import ListView

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


# --- sorting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One column of an ordering. ``blank``: how an empty value is told ("" for text, None for dates)."""

    field: str
    blank: str = ""  # "text": "" sorts last; "null": NULL sorts last; "": no empty values
    descending: bool = False  # the key's own direction within the sort (reversed with it)

    def order(self, reverse: bool) -> list:
        """Return the ``order_by`` terms of this key; empty values stay last whichever way."""
        desc = self.descending != reverse
        expression = F(self.field)
        if self.blank == "null":
            return [expression.desc(nulls_last=True) if desc else expression.asc(nulls_last=True)]
        terms = []
        if self.blank == "text":
            empty = Case(When(**{self.field: ""}, then=Value(1)), default=Value(0), output_field=IntegerField())
            terms.append(empty.asc())
        terms.append(expression.desc() if desc else expression.asc())
        return terms


def ordering(keys: list[Key], *, reverse: bool = False) -> list:
    """Return the ``order_by`` terms of ``keys`` (then ``pk``, so that pages never overlap)."""
    terms = []
    for key in keys:
        terms.extend(key.order(reverse))
    return [*terms, "pk"]


class SortFilter(django_filters.CharFilter):
    """``?sort=<key>`` or ``-<key>``: one of ``sorts``; anything else keeps the queryset's own order."""

    def __init__(self, *, sorts: dict[str, list[Key]], **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("label", "排序")
        super().__init__(**kwargs)
        self.sorts = sorts

    def filter(self, qs, value):
        key = (value or "").lstrip("-")
        if key not in self.sorts:
            return qs
        return qs.order_by(*ordering(self.sorts[key], reverse=value.startswith("-")))


# --- the FilterSet base -----------------------------------------------------------------------------


class ListFilterSet(django_filters.FilterSet):
    """A FilterSet that knows who is filtering (for choices and rules that depend on the user).

    ``search_field`` names the free-text field the filter bar puts first (with its placeholder);
    ``sort_field`` the SortFilter, which the bar carries as a hidden input.
    """

    search_field = "q"
    search_placeholder = ""
    sort_field = "sort"

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        self.user = user
        super().__init__(data, queryset=queryset, **kwargs)
        search = self.form.fields.get(self.search_field)
        if search is not None:
            search.widget.input_type = "search"
            search.widget.attrs.update(autocomplete="off", placeholder=self.search_placeholder)

    @property
    def current_sort(self) -> str:
        """The sort asked for, if it is one of the filter's keys (else "", the default order)."""
        value = (self.data.get(self.sort_field) or "") if self.is_bound else ""
        sort = self.filters.get(self.sort_field)
        return value if isinstance(sort, SortFilter) and value.lstrip("-") in sort.sorts else ""


def blank_choice(label: str, choices) -> list:
    """Choices with an empty first option reading ``label`` (全部… in a filter bar)."""
    return [("", label), *choices]


# --- the view ---------------------------------------------------------------------------------------


class FilteredListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """A list page over ``filterset_for(user, data)``, paginated, with htmx results.

    Subclasses set ``filterset_for`` (the app's selector), ``template_name``, ``results_template``
    (the partial htmx swaps into ``#<results_id>``), ``results_id``, ``permission_required`` and
    ``context_object_name``.
    """

    filterset_for: Callable = None
    results_template = ""
    results_id = ""
    page_sizes = PAGE_SIZES
    default_page_size = DEFAULT_PAGE_SIZE

    def get_filterset(self):
        if not hasattr(self, "filterset"):
            self.filterset = type(self).filterset_for(self.request.user, self.request.GET or None)
        return self.filterset

    def get_queryset(self):
        return self.get_filterset().qs

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.default_page_size))
        except ValueError:
            size = self.default_page_size
        return size if size in self.page_sizes else self.default_page_size

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and self.results_id and htmx.target == self.results_id:
            return [self.results_template]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop(filterset.sort_field, None)
        context.update(
            filterset=filterset,
            filter_form=filterset.form,
            query_string=query.urlencode(),
            sort_query_string=sort_query.urlencode(),
            current_sort=filterset.current_sort,
            page_sizes=self.page_sizes,
            results_id=self.results_id,
        )
        return context
