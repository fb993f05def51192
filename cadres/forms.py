"""Forms of the roster pages. They parse input; the services decide."""

from django import forms
from django.conf import settings

from cadres import messages
from cadres.codes import (
    PersonnelStatus,
)
from cadres.dates import PrecisionDateFormMixin
from cadres.idnumbers import normalize_id_number
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _blank(label: str, choices) -> list:
    return [("", label), *choices]


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments indented by their depth in the tree."""

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


class CadreForm(PrecisionDateFormMixin, forms.ModelForm):
    """Basic data of a cadre. ``version`` carries the copy the user loaded (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cadre
        fields = [
            "name", "gender", "id_number", "birth_date", "ethnicity", "political_status", "party_join_date",
            "work_start_date", "department", "native_place", "birthplace", "health", "professional_title",
            "photo", "remarks",
        ]
        widgets = {
            "birth_date": DateInput(),
            "remarks": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        }
        help_texts = {"birth_date": "可不填，按身份证号自动生成", "id_number": "18位，末位可为X"}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The number of a cadre on record is neither shown nor edited here, whoever edits: it is
            # corrected on a page of its own with a reason (``IdNumberChangeForm``), and revealed only
            # by the audited reveal on the record page.
            # Birth date and gender follow the number (they must agree with it): corrected with it.
            for name in ("id_number", "birth_date", "gender"):
                del self.fields[name]
            self.fields["version"].required = True
        self.fields["department"] = DepartmentChoiceField(label="工作单位", queryset=departments)
        if "birth_date" in self.fields:
            self.fields["birth_date"].required = False
            self.fields["gender"].required = False
            self.fields["gender"].help_text = "可不选，按身份证号确定"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "size") and photo.size > settings.PHOTO_MAX_BYTES:
            raise forms.ValidationError(messages.PHOTO_TOO_LARGE)
        return photo

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


class IdNumberChangeForm(forms.Form):
    """Correct a cadre's ID number: the new number twice, and why."""

    id_number = forms.CharField(label="新的身份证号", max_length=40,
                                help_text="18位，末位可为X；出生日期和性别随之核对")
    id_number_again = forms.CharField(label="再次输入", max_length=40)
    reason = forms.CharField(label="更正原因", max_length=80, help_text="如：原录入有误，依据户籍证明更正")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        first, second = data.get("id_number"), data.get("id_number_again")
        if first and second and normalize_id_number(first) != normalize_id_number(second):
            self.add_error("id_number_again", messages.ID_AGAIN_DIFFERS)
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="人员状态", choices=PersonnelStatus.choices)
    status_date = forms.DateField(label="变更日期", required=False, widget=DateInput())
    reason = forms.CharField(label="说明", required=False, max_length=200)


class EducationForm(PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = Education
        fields = ["kind", "level", "degree", "school_major", "graduation_date"]


class PostStartForm(PrecisionDateFormMixin, forms.ModelForm):
    """A new post (任职); the current one ends the day before unless it is held concurrently."""

    concurrent = forms.BooleanField(label="兼任（不免去现任职务）", required=False)

    class Meta:
        model = PostAssignment
        fields = ["department", "title", "level", "start_date", "document"]

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="任职单位", queryset=departments)
        self.fields["start_date"].required = True


class PostEditForm(PrecisionDateFormMixin, forms.ModelForm):
    """Correct a post record, or end it (免职)."""

    class Meta:
        model = PostAssignment
        fields = ["department", "title", "level", "start_date", "end_date", "document"]
        widgets = {"end_date": DateInput()}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="任职单位", queryset=departments)


class RankStartForm(PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = RankAssignment
        fields = ["rank", "start_date", "document"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = True


class RankEditForm(PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = RankAssignment
        fields = ["rank", "start_date", "end_date", "document"]
        widgets = {"end_date": DateInput()}


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="花名册文件", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(messages.IMPORT_NOT_XLSX)
        if upload.size > settings.ROSTER_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                messages.IMPORT_TOO_LARGE.format(limit=settings.ROSTER_UPLOAD_MAX_BYTES // (1024 * 1024))
            )
        return upload


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "kind", "parent", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = DepartmentChoiceField(label="上级单位", queryset=Department.objects.in_tree_order(),
                                                      required=False, empty_label="（无：本局）")
