"""/training/: the four parts of cultivation at a glance, with this user's training lines of the 工作台."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.generic import TemplateView

from cadre_office import desk

AREA = "教育培养"


class TrainingIndexView(LoginRequiredMixin, TemplateView):
    """教育培养: the entry to each part the user may open, and what is theirs to do there."""

    template_name = "training/index.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_module_perms("training"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        tasks = [t for t in desk.tasks_for(self.request.user, today=timezone.localdate()) if t.area == AREA]
        return super().get_context_data(tasks=tasks, **kwargs)
