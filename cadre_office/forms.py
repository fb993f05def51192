"""Form pieces every app's forms share: the 请选择 of an empty select, and the photo input."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

PLEASE_CHOOSE = "请选择"
_DJANGO_BLANK = "---------"


class PleaseChooseMixin:
    """A form whose selects offer 请选择 as their empty choice, rather than Django's dashes.

    Only the label Django gives an empty choice is replaced: a label of the form's own (全部单位,
    （无：本局）) stays. Filter bars keep their 全部….
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                if field.empty_label == _DJANGO_BLANK:
                    field.empty_label = PLEASE_CHOOSE
            elif isinstance(field, forms.ChoiceField):
                field.choices = [(value, PLEASE_CHOOSE if value == "" and label == _DJANGO_BLANK else label)
                                 for value, label in field.choices]


_NO_PHOTO = mark_safe('<div class="photo-placeholder"><i class="bi bi-person"></i><span>暂无照片</span></div>')


class PhotoInput(forms.ClearableFileInput):
    """The current photo as a thumbnail, a file input to 更换 it and a 删除 box; no link to the file.

    Photos are personal data served only through a permission-checked view: ``photo_url`` is that
    view's address for the photo on record ("" when none), set by the form. The thumbnail reads it;
    nothing links to MEDIA_URL (media is never served directly).
    """

    photo_url = ""
    hint = "JPEG 或 PNG 图片，不超过 2MB"

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/jpeg,image/png", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        input_id = attrs.get("id", f"id_{name}")
        clear_name, clear_id = self.clear_checkbox_name(name), self.clear_checkbox_id(name)
        has_photo = bool(self.photo_url and value)
        thumbnail = (format_html('<img src="{}" alt="当前照片" data-testid="photo-thumbnail">', self.photo_url)
                     if has_photo else _NO_PHOTO)
        file_input = format_html('<input type="file" name="{}"{}>', name,
                                 format_html_join("", ' {}="{}"', ((k, v) for k, v in attrs.items() if v is not False)))
        remove = ""
        if has_photo and not self.is_required:
            remove = format_html(
                '<div class="form-check mt-1"><input class="form-check-input" type="checkbox" name="{}" id="{}">'
                '<label class="form-check-label" for="{}">删除照片</label></div>', clear_name, clear_id, clear_id)
        return format_html(
            '<div class="d-flex gap-3 align-items-start" data-testid="photo-input"><div class="record-photo">{}</div>'
            '<div class="flex-grow-1"><label class="form-label small mb-1" for="{}">{}</label>{}{}'
            '<div class="form-text">{}</div></div></div>',
            thumbnail, input_id, "更换照片" if has_photo else "上传照片", file_input, remove, self.hint)
