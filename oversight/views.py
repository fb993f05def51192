"""Entering a cadre's 年度考核 grades and 处分/诫勉 on the record page (the negative list reads them).

The shape is the record's own child records (cadres.views.record): the cadre is looked up in
the user's scope (404 outside it) before the action's permission (403).
"""

from django.views.generic.edit import CreateView, UpdateView

from cadre_office.views import ServiceFormMixin
from cadres.views.record import RecordChildDeleteView, RecordChildMixin
from oversight import services
from oversight.forms import AppraisalForm, DisciplineForm
from oversight.models import AnnualAppraisal, DisciplineAction

ANCHOR = "#oversight"


class AppraisalCreateView(RecordChildMixin, ServiceFormMixin, CreateView):
    model = AnnualAppraisal
    form_class = AppraisalForm
    permission_required = "oversight.add_annualappraisal"
    heading = "新增年度考核"
    success_message = "年度考核已保存。"
    success_anchor = ANCHOR

    def perform(self, form):
        form.instance.cadre = self.cadre
        return services.appraisal_save(actor=self.request.user, appraisal=form.instance)


class AppraisalUpdateView(RecordChildMixin, ServiceFormMixin, UpdateView):
    model = AnnualAppraisal
    form_class = AppraisalForm
    permission_required = "oversight.change_annualappraisal"
    heading = "修改年度考核"
    success_message = "年度考核已保存。"
    success_anchor = ANCHOR

    def perform(self, form):
        return services.appraisal_save(actor=self.request.user, appraisal=form.instance)


class AppraisalDeleteView(RecordChildDeleteView):
    model = AnnualAppraisal
    permission_required = "oversight.delete_annualappraisal"
    success_anchor = ANCHOR
    success_message = "年度考核已删除。"
    delete_record = staticmethod(lambda actor, obj: services.appraisal_delete(actor=actor, appraisal=obj))


class DisciplineCreateView(RecordChildMixin, ServiceFormMixin, CreateView):
    model = DisciplineAction
    form_class = DisciplineForm
    permission_required = "oversight.add_disciplineaction"
    heading = "新增处分与诫勉"
    success_message = "处分与诫勉已保存。"
    success_anchor = ANCHOR

    def perform(self, form):
        form.instance.cadre = self.cadre
        return services.discipline_save(actor=self.request.user, action=form.instance)


class DisciplineUpdateView(RecordChildMixin, ServiceFormMixin, UpdateView):
    model = DisciplineAction
    form_class = DisciplineForm
    permission_required = "oversight.change_disciplineaction"
    heading = "修改处分与诫勉"
    success_message = "处分与诫勉已保存。"
    success_anchor = ANCHOR

    def perform(self, form):
        return services.discipline_save(actor=self.request.user, action=form.instance)


class DisciplineDeleteView(RecordChildDeleteView):
    model = DisciplineAction
    permission_required = "oversight.delete_disciplineaction"
    success_anchor = ANCHOR
    success_message = "处分与诫勉已删除。"
    delete_record = staticmethod(lambda actor, obj: services.discipline_delete(actor=actor, action=obj))
