"""待我审批 (the gates awaiting the user's decision) and 待办 (a personnel officer's open work)."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from selection.permissions import RUN, VIEW
from selection.reminders import reminders
from selection.selectors import inbox, todos


class InboxView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """待我审批: the submitted gates awaiting the user."""

    permission_required = VIEW
    template_name = "selection/inbox.html"
    context_object_name = "steps"
    paginate_by = 50

    def get_queryset(self):
        return inbox(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(reminders=reminders(self.request.user, today=timezone.localdate()),
                                        **kwargs)


class TodoListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """待办: steps returned for revision (with the reason), gates awaiting their deciders, reminders."""

    permission_required = (VIEW, RUN)
    template_name = "selection/todo_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(todos=todos(self.request.user, today=timezone.localdate()), **kwargs)
