"""The one download of the attachment store: /attachments/<pk>/, through the owner's scope."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import View

from cadre_office.attachments.models import Attachment
from cadre_office.attachments.registry import can_see_owner
from cadre_office.attachments.services import download_response
from cadre_office.scope import audit_out_of_scope


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serve an attachment to those who may see its owner; outside the scope a 404 (audited 越权访问)."""

    def get(self, request, pk):
        attachment = Attachment.objects.select_related("owner_type").filter(pk=pk).first()
        if attachment is None:
            raise Http404
        model = attachment.owner_type.model_class()
        if model is None or not can_see_owner(request.user, model, attachment.owner_id):
            audit_out_of_scope(actor=request.user, model=Attachment, pk=pk, path=request.path)
            raise Http404
        return download_response(
            actor=request.user, file_field=attachment.file, filename=attachment.original_name,
            audit_obj=attachment,
            detail={"owner": f"{attachment.owner_type.app_label}.{attachment.owner_type.model}:{attachment.owner_id}",
                    "label": attachment.label})
