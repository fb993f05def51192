"""Forms of the roster pages. They parse input; the services decide."""

from django import forms
from django.conf import settings

from cadres import messages
from cadres.codes import (
    AgeBand,
    EducationBand,
    Ethnicity,
    Gender,
    LeadershipLevel,
    PersonnelStatus,
    PoliticalStatus,
    Rank,
)
from cadres.idnumbers import normalize_id_number
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment
from cadres.selectors import ALL_STATUSES, DEFAULT_SORT, NON_PARTY, ROSTER_SORTS, RosterFilters


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


class RosterFilterForm(forms.Form):
    """The roster's filter bar (GET). Invalid values are ignored rather than refused."""

    q = forms.CharField(label="姓名或身份证号", required=False, max_length=50)
    department = DepartmentChoiceField(label="单位", queryset=Department.objects.none(), required=False,
                                       empty_label="全部单位")
    level = forms.ChoiceField(label="职务层次", required=False,
                              choices=_blank("全部层次", [*LeadershipLevel.choices, ("none", "无领导职务")]))
    rank = forms.ChoiceField(label="职级", required=False, choices=_blank("全部职级", Rank.choices))
    age_band = forms.ChoiceField(label="年龄段", required=False, choices=_blank("全部年龄", AgeBand.choices))
    gender = forms.ChoiceField(label="性别", required=False, choices=_blank("全部", Gender.choices))
    ethnicity = forms.ChoiceField(label="民族", required=False,
                                  choices=_blank("全部民族", [("minority", "少数民族"), *Ethnicity.choices]))
    political_status = forms.ChoiceField(
        label="政治面貌", required=False, choices=_blank("全部", [(NON_PARTY, "党外干部"), *PoliticalStatus.choices])
    )
    education = forms.ChoiceField(label="全日制学历", required=False, choices=_blank("全部学历", EducationBand.choices))
    status = forms.ChoiceField(label="人员状态", required=False,
                               choices=[*PersonnelStatus.choices, (ALL_STATUSES, "全部状态")])
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, departments, id_search: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if not id_search:  # only those who may see full numbers search by them (selectors.roster)
            self.fields["q"].label = "姓名"

    def filters(self) -> RosterFilters:
        """Return the filters to apply; fields that did not validate are left out."""
        if not self.is_bound:
            return RosterFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        sort = data.get("sort", DEFAULT_SORT)
        data["sort"] = sort if sort.lstrip("-") in ROSTER_SORTS else DEFAULT_SORT
        data.setdefault("status", PersonnelStatus.ACTIVE)
        return RosterFilters(**data)


class CadreForm(forms.ModelForm):
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
            "party_join_date": DateInput(),
            "work_start_date": DateInput(),
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


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = ["kind", "level", "degree", "school_major", "graduation_date"]
        widgets = {"graduation_date": DateInput()}


class PostStartForm(forms.ModelForm):
    """A new post (任职); the current one ends the day before unless it is held concurrently."""

    concurrent = forms.BooleanField(label="兼任（不免去现任职务）", required=False)

    class Meta:
        model = PostAssignment
        fields = ["department", "title", "level", "start_date", "document"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="任职单位", queryset=departments)
        self.fields["start_date"].required = True


class PostEditForm(forms.ModelForm):
    """Correct a post record, or end it (免职)."""

    class Meta:
        model = PostAssignment
        fields = ["department", "title", "level", "start_date", "end_date", "document"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="任职单位", queryset=departments)


class RankStartForm(forms.ModelForm):
    class Meta:
        model = RankAssignment
        fields = ["rank", "start_date", "document"]
        widgets = {"start_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = True


class RankEditForm(forms.ModelForm):
    class Meta:
        model = RankAssignment
        fields = ["rank", "start_date", "end_date", "document"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


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
