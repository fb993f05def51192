"""The two mixins every app's views are built from (docs/architecture.md), the home page and the error pages."""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View, defaults

from cadre_office import desk
from cadre_office.audit.services import Event, Outcome, audit_record
from cadre_office.scope import audit_out_of_scope

logger = logging.getLogger(__name__)


class ScopedMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Start every queryset from the user's scope: ``scope(user)`` of the app's permissions.

    An object outside the scope is simply not found (404), never "forbidden", so a
    department head cannot even learn that another department's cadre exists.
    """

    scope = None  # a callable: user -> queryset

    def get_queryset(self):
        return type(self).scope(self.request.user)

    def get_object(self, queryset=None):
        """The object of the URL within the scope; a miss on one that exists elsewhere is audited."""
        try:
            return super().get_object(queryset)
        except Http404:
            pk = self.kwargs.get(getattr(self, "pk_url_kwarg", "pk"))
            model = (queryset if queryset is not None else self.get_queryset()).model
            audit_out_of_scope(actor=self.request.user, model=model, pk=pk, path=self.request.path)
            raise


class ServiceFormMixin:
    """Write through a service: ``perform(form)`` calls it; its ValidationError lands on the form."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
            return self.form_invalid(form)
        if result is not None:
            self.object = result
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class HomeView(LoginRequiredMixin, View):
    """The 工作台 for those who work on cadres; the administrators go to their first page.

    The desk lists what is the user's to do today, gathered from every app (``cadre_office.desk``):
    each line a count and the page that lists exactly those items.
    """

    # (permission, URL name) of the roles without cadre data, first match wins.
    LANDING = (
        ("accounts.manage_accounts", "accounts:user_list"),
        ("audit.view_auditevent", "audit:event_list"),
        ("cadres.view_department", "cadres:department_list"),
    )

    def get(self, request):
        if request.user.has_perm("cadres.view_cadre"):
            tasks = desk.tasks_for(request.user, today=timezone.localdate())
            desk.remember(request.session, tasks)
            areas: dict[str, list] = {}
            for task in tasks:
                areas.setdefault(task.area, []).append(task)
            total = sum(task.count for task in tasks if not task.info)  # a hint line is not a to-do
            return render(request, "desk.html", {"areas": areas, "task_total": total})
        for permission, url_name in self.LANDING:
            if request.user.has_perm(permission):
                return redirect(url_name)
        raise PermissionDenied


def permission_denied(request, exception=None):
    """The 403 page; an authenticated user's refused request is audited (越权访问)."""
    if request.user.is_authenticated:
        audit_record(
            Event.ACCESS_DENIED, actor=request.user, outcome=Outcome.DENIED, object_repr=request.path,
            detail={"method": request.method},
        )
    return defaults.permission_denied(request, exception)


def server_error(request, template_name="500.html"):
    """The 500 page (Chinese, through the middleware so with the security headers); the failure is audited.

    The traceback goes to the log (Django's request logger); the audit row says who met it, where.
    Writing the row must never turn one error into two: if the database itself is what failed,
    the page is still served.
    """
    user = getattr(request, "user", None)
    try:
        audit_record(Event.SERVER_ERROR, actor=user if getattr(user, "is_authenticated", False) else None,
                     outcome=Outcome.FAILURE, object_repr=request.path[:200],
                     detail={"method": request.method, "path": request.path})
    except Exception:  # the error page comes first
        logger.exception("could not audit a server error")
    return defaults.server_error(request, template_name)
