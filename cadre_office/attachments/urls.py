from django.urls import path

from cadre_office.attachments.views import AttachmentDownloadView

app_name = "attachments"
urlpatterns = [
    path("<int:pk>/", AttachmentDownloadView.as_view(), name="attachment_download"),
]
