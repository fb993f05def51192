"""Creating, editing and deleting a cadre's child records: one view set for every kind.

The kind comes from the registry (``cadres.records``): its form, permissions, labels and tab.
The cadre is looked up in the user's scope first (404 outside it, audited), then the kind's
permission for the action is checked (403); the record is looked up under that cadre only.
Every write goes through ``cadres.services.records``.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.generic.edit import CreateView, DeleteView, UpdateView

from cadre_office.views import ServiceFormMixin
from cadres.records import RecordType, record_types
from cadres.services.records import child_record_delete, child_record_save
from cadres.views.record import CadreScopedMixin


class ChildRecordMixin(CadreScopedMixin):
    """A child record of ``self.cadre`` of kind ``record_type`` (given to ``as_view``)."""

    record_type: RecordType = None
    action = ""  # add, change or delete
    template_name = "cadres/record_form.html"

    def get_permission_required(self):
        return (self.record_type.permission(self.action),)

    def get_queryset(self):
        return self.record_type.model.objects.filter(cadre=self.cadre)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.record_type.heading(self.action),
                                        record_type=self.record_type, intro=self.record_type.intro(self.cadre),
                                        **kwargs)

    def get_success_url(self):
        return reverse("cadres:cadre_detail", args=[self.cadre.pk]) + f"#{self.record_type.tab.key}"


class ChildRecordFormMixin(ChildRecordMixin, ServiceFormMixin):
    def get_form_class(self):
        return self.record_type.get_form_class(self.action)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.record_type.form_kwargs(user=self.request.user, cadre=self.cadre)}

    def perform(self, form):
        form.instance.cadre = self.cadre
        return child_record_save(actor=self.request.user, obj=form.instance,
                                 **self.record_type.save_options(form))

    @property
    def success_message(self):
        return f"{self.record_type.label}已保存。"


class ChildRecordCreateView(ChildRecordFormMixin, CreateView):
    action = "add"

    def get_initial(self):
        return {**super().get_initial(), **self.record_type.initial(self.cadre)}


class ChildRecordUpdateView(ChildRecordFormMixin, UpdateView):
    action = "change"


class ChildRecordDeleteView(ChildRecordMixin, DeleteView):
    action = "delete"
    template_name = "cadres/record_confirm_delete.html"

    def form_valid(self, form):
        child_record_delete(actor=self.request.user, obj=self.object)
        messages.success(self.request, f"{self.record_type.label}已删除。")
        return HttpResponseRedirect(self.get_success_url())


def record_urlpatterns(namespace: str) -> list:
    """Return the create / edit / delete URLs of the kinds registered in URL ``namespace``.

    ``<cadre_pk>/<url_prefix>/new/``, ``…/<pk>/edit/``, ``…/<pk>/delete/``, named
    ``<slug>_create``, ``<slug>_update`` and ``<slug>_delete``.
    """
    patterns = []
    for record_type in record_types(namespace):
        prefix, slug = f"<int:cadre_pk>/{record_type.url_prefix}/", record_type.slug
        patterns += [
            path(f"{prefix}new/", ChildRecordCreateView.as_view(record_type=record_type), name=f"{slug}_create"),
            path(f"{prefix}<int:pk>/edit/", ChildRecordUpdateView.as_view(record_type=record_type),
                 name=f"{slug}_update"),
            path(f"{prefix}<int:pk>/delete/", ChildRecordDeleteView.as_view(record_type=record_type),
                 name=f"{slug}_delete"),
        ]
    return patterns
