"""批量变更 on the roster: the form, the preview, the confirmation (``cadres.services.batch``).

The selection arrives from the roster as ticked rows (``ids``) or as "all matching the filter"
(``scope=all`` with the roster's query string in ``filter``), is re-read within the user's scope at
every step, and travels from the preview to the confirmation as ``selection`` (each id with the
``version`` shown) and ``digest`` (the preview's fingerprint). Nothing but the confirmation writes;
it is a POST, as the form and the preview are (a selection of 200 ids does not fit in an address).
"""

from django.contrib import messages as flash
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from cadres import messages, services
from cadres.forms import BatchChangeForm
from cadres.permissions import BATCH_CHANGE_PERMISSIONS
from cadres.selectors import cadres_selected, department_choices, roster_ids

FORM_TEMPLATE = "cadres/batch_form.html"
PREVIEW_TEMPLATE = "cadres/batch_preview.html"


class Selection:
    """The cadres a batch is for: ids (with the versions a preview showed) and how they were chosen."""

    def __init__(self, request, data):
        self.all_matching = data.get("scope") == "all"
        self.filter = data.get("filter", "") if self.all_matching else ""
        self.versions: dict[int, int] = {}
        self.total = 0
        if data.get("selection"):
            for item in data["selection"].split(","):
                pk, _, version = item.partition(":")
                if pk.isdigit() and version.isdigit():
                    self.versions[int(pk)] = int(version)
        if self.all_matching and not self.versions:
            self.ids, self.total = roster_ids(request.user, QueryDict(self.filter), limit=services.BATCH_LIMIT)
        elif self.versions:
            self.ids = list(self.versions)
        else:
            self.ids = [int(pk) for pk in data.getlist("ids") if pk.isdigit()]
        self.total = max(self.total, len(self.ids))

    def current_ids(self, request) -> list[int]:
        """The ids of the selection now: for "all matching", the filter read again."""
        if not self.all_matching:
            return self.ids
        return roster_ids(request.user, QueryDict(self.filter), limit=services.BATCH_LIMIT)[0]

    @property
    def roster_url(self) -> str:
        url = reverse("cadres:cadre_list")
        return f"{url}?{self.filter}" if self.filter else url

    def hidden(self, plan=None) -> list[tuple[str, str]]:
        """The fields (name, value) that carry the selection to the next step."""
        fields = [("scope", "all" if self.all_matching else ""), ("filter", self.filter)]
        versions = plan.versions if plan is not None else self.versions
        if versions:
            fields.append(("selection", ",".join(f"{pk}:{version}" for pk, version in sorted(versions.items()))))
        elif not self.all_matching:
            fields += [("ids", str(pk)) for pk in self.ids]
        return fields


class BatchMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = BATCH_CHANGE_PERMISSIONS

    def form(self, data=None, initial=None):
        return BatchChangeForm(data, initial=initial, departments=department_choices(self.request.user))

    def render_form(self, form, selection, error="", names=None):
        return render(self.request, FORM_TEMPLATE, {"form": form, "selection": selection, "error": error,
                                                    "hidden": selection.hidden(), "names": names})

    def render_preview(self, form, selection, *, warning=""):
        """Plan the batch for the selection as it is now and show it (or the form, if it cannot be planned)."""
        data = form.cleaned_data
        try:
            plan = services.cadre_batch_preview(
                actor=self.request.user, cadre_ids=selection.current_ids(self.request), change=data["change"],
                value=form.value, effective_date=data["effective_date"], reason=data["reason"])
        except services.BatchOutOfScope:
            raise Http404("No Cadre matches the given query.") from None
        except services.BatchChangeError as exc:
            return self.render_form(form, selection, exc.message)
        return render(self.request, PREVIEW_TEMPLATE, {
            "form": form, "plan": plan, "selection": selection, "hidden": selection.hidden(plan),
            "digest": plan.fingerprint(self.request.user), "warning": warning,
            "problems": len(plan.problem_rows),
        })


class CadreBatchChangeView(BatchMixin, View):
    """The batch form for the roster's selection (GET or POST: neither writes), and its preview (step=preview)."""

    def get(self, request):
        return self.respond(request.GET)

    def post(self, request):
        return self.respond(request.POST)

    def respond(self, data):
        selection = Selection(self.request, data)
        if not selection.ids:
            flash.warning(self.request, messages.BATCH_NONE_SELECTED)
            return HttpResponseRedirect(selection.roster_url)
        if selection.total > services.BATCH_LIMIT:
            flash.error(self.request, messages.BATCH_TOO_MANY.format(limit=services.BATCH_LIMIT,
                                                                     count=selection.total))
            return HttpResponseRedirect(selection.roster_url)
        if data.get("step") == "preview":
            form = self.form(data)
            if form.is_valid():
                return self.render_preview(form, selection)
            return self.render_form(form, selection)
        # From the roster, or back from the preview to change something: the form, filled, without errors.
        initial = {name: data[name] for name in BatchChangeForm.base_fields if data.get(name)}
        return self.render_form(self.form(initial=initial), selection,
                                names=cadres_selected(self.request.user, selection.ids, path=self.request.path))


class CadreBatchApplyView(BatchMixin, View):
    """确认执行: the batch as previewed, all or nothing; a changed selection or row shows the preview again."""

    http_method_names = ["post"]

    def post(self, request):
        selection = Selection(request, request.POST)
        if not selection.versions:
            flash.warning(request, messages.BATCH_NONE_SELECTED)
            return HttpResponseRedirect(selection.roster_url)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_form(form, selection, messages.BATCH_STALE)
        data = form.cleaned_data
        if set(selection.current_ids(request)) != set(selection.versions):
            return self.render_preview(form, selection, warning=messages.BATCH_STALE)
        try:
            result = services.cadre_batch_change(
                actor=request.user, cadre_ids=list(selection.versions), change=data["change"], value=form.value,
                effective_date=data["effective_date"], reason=data["reason"],
                expected_versions=selection.versions, expected_digest=request.POST.get("digest", ""))
        except services.BatchOutOfScope:
            raise Http404("No Cadre matches the given query.") from None
        except services.BatchChangeError as exc:
            return self.render_preview(form, selection, warning=exc.message)
        plan = result.plan
        flash.success(request, messages.BATCH_DONE.format(
            count=result.count, what=f"{plan.change_label}变更为{plan.value_label}", date=plan.effective_date))
        return HttpResponseRedirect(f"{reverse('cadres:cadre_list')}?{_filter_for(plan)}")


def _filter_for(plan) -> str:
    """The roster's filter that lists the cadres just changed (with the others already there)."""
    query = QueryDict(mutable=True)
    if plan.change == services.BatchChange.DEPARTMENT:
        query["department"] = plan.value
    elif plan.change == services.BatchChange.STATUS:
        query["status"] = plan.value
    else:
        query["rank"] = plan.value
    return query.urlencode()
