"""The upload form every app's page uses (the checks themselves are the service's)."""

from django import forms

from cadre_office.attachments.content import EXTENSIONS

ACCEPT = ",".join(f".{ext}" for ext in sorted(EXTENSIONS))


class AttachmentForm(forms.Form):
    label = forms.CharField(label="材料名称", max_length=100, widget=forms.TextInput(
        attrs={"placeholder": "如：毕业证书、荣誉证书、核查报告", "class": "form-control form-control-sm"}))
    file = forms.FileField(label="文件", widget=forms.FileInput(
        attrs={"accept": ACCEPT, "class": "form-control form-control-sm"}),
                           help_text="PDF、OFD、Word、Excel、JPG、PNG，不超过20MB；按文件内容核验格式")
