"""Forms of the roster pages. They parse input; the services decide."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cadre_office.forms import PLEASE_CHOOSE, PhotoInput, PleaseChooseMixin
from cadres import messages
from cadres.codes import (
    PersonnelStatus,
    Rank,
)
from cadres.dates import PrecisionDateFormMixin
from cadres.idnumbers import normalize_id_number
from cadres.models import (
    RELATIONS,
    Cadre,
    Department,
    Education,
    FamilyMember,
    PostAssignment,
    PostQuota,
    RankAssignment,
    ResumeEntry,
    Reward,
)

# Photo formats accepted, by what Pillow reads in the file (not its name), with the extension stored.
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_MAX_PIXELS = 40_000_000  # far beyond any ID photo; refuses a decompression bomb before it is decoded


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _blank(label: str, choices) -> list:
    return [("", label), *choices]


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments indented by their depth in the tree; empty, it says 请选择 unless told otherwise."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", PLEASE_CHOOSE)
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


class CadreForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    """Basic data of a cadre. ``version`` carries the copy the user loaded (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cadre
        fields = [
            "name", "gender", "id_number", "birth_date", "ethnicity", "political_status", "party_join_date",
            "work_start_date", "department", "native_place", "birthplace", "health", "specialty", "professional_title",
            "professional_title_date", "familiar_expertise", "photo", "remarks",
        ]
        widgets = {
            "birth_date": DateInput(),
            "remarks": forms.Textarea(attrs={"rows": 3}),
            "photo": PhotoInput(),
        }
        help_texts = {"birth_date": "可不填，按身份证号自动生成", "id_number": "18位，末位可为X"}
        labels = {"professional_title_date": "取得时间"}  # beside 专业技术职务

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
        photo = self.fields["photo"]
        photo.error_messages["invalid_image"] = messages.PHOTO_NOT_IMAGE
        if self.instance.pk and self.instance.photo:
            photo.widget.photo_url = reverse("cadres:cadre_photo", args=[self.instance.pk])

    def clean_photo(self):
        """Accept a JPEG or PNG by its content (Pillow has read and verified it), within the size limits.

        The stored name is ours, with the extension of the content: never the uploader's.
        """
        photo = self.cleaned_data.get("photo")
        image = getattr(photo, "image", None)  # set by forms.ImageField for a new upload only
        if image is None:
            return photo
        if photo.size > settings.PHOTO_MAX_BYTES:
            raise forms.ValidationError(messages.PHOTO_TOO_LARGE)
        if image.format not in PHOTO_FORMATS:
            raise forms.ValidationError(messages.PHOTO_NOT_IMAGE)
        width, height = image.size
        if width * height > PHOTO_MAX_PIXELS:
            raise forms.ValidationError(messages.PHOTO_TOO_MANY_PIXELS)
        photo.name = f"photo.{PHOTO_FORMATS[image.format]}"
        return photo

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        if data.get("photo") is False:  # 删除照片 ticked: no photo
            data["photo"] = ""
        return data


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


class BatchChangeForm(PleaseChooseMixin, forms.Form):
    """批量变更: what changes, to what, from when, and why (the selection travels beside it).

    Each kind has its own value field (a unit in tree order, a status, a 职级), all three shown without
    script; ``static/js/batch.js`` shows only the one the chosen kind needs.
    """

    KINDS = (("department", "单位"), ("status", "人员状态"), ("rank", "职级"))

    change = forms.ChoiceField(label="变更内容", choices=KINDS, widget=forms.RadioSelect, initial="department")
    department = DepartmentChoiceField(label="调入单位", queryset=Department.objects.none(), required=False)
    status = forms.ChoiceField(label="新的人员状态", choices=_blank(PLEASE_CHOOSE, PersonnelStatus.choices),
                               required=False)
    rank = forms.ChoiceField(label="新的职级", choices=_blank(PLEASE_CHOOSE, Rank.choices), required=False)
    effective_date = forms.DateField(label="生效日期", widget=DateInput(),
                                     error_messages={"required": messages.BATCH_DATE_REQUIRED})
    reason = forms.CharField(label="变更原因", max_length=80,
                             error_messages={"required": messages.BATCH_REASON_REQUIRED},
                             help_text="如：机构调整，执法大队第三中队整体划入第二所（记入每人的修改历史）")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        for name in ("department", "status", "rank"):
            self.fields[name].widget.attrs["data-batch-value"] = name

    def clean(self):
        data = super().clean()
        change = data.get("change")
        if change and not data.get(change):
            self.add_error(change, messages.BATCH_VALUE_REQUIRED[change])
        return data

    @property
    def value(self):
        """The new value of the chosen kind: a unit's id, a status or a 职级 code."""
        change = self.cleaned_data["change"]
        value = self.cleaned_data[change]
        return value.pk if change == "department" else value


class StatusForm(PleaseChooseMixin, forms.Form):
    """A change of personnel status: every status but 在职 carries its date and a reason."""

    status = forms.ChoiceField(label="人员状态", choices=PersonnelStatus.choices)
    status_date = forms.DateField(label="变更日期", required=False, widget=DateInput(),
                                  help_text="离开在职状态的第一天（这一天起不再在职；现任职务和职级于前一天终止）")
    reason = forms.CharField(label="原因", required=False, max_length=200,
                             help_text="如：达到法定退休年龄；调往某某单位；本人申请辞去公职")

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != PersonnelStatus.ACTIVE and not data.get("status_date") \
                and "status_date" not in self.errors:
            self.add_error("status_date", messages.STATUS_DATE_REQUIRED)
        return data


class RetireForm(forms.Form):
    """办理退休: the first day in retirement (proposed: the month after the statutory one) and why."""

    retire_date = forms.DateField(label="退休时间", widget=DateInput(),
                                  help_text="退休的第一天（这一天起不再在职）；默认为法定退休月份的次月1日")
    reason = forms.CharField(label="原因", max_length=200, required=False,
                             help_text="不填写时记为“达到法定退休年龄”")


class EducationForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = Education
        fields = ["kind", "level", "degree", "school_major", "graduation_date"]


class PostStartForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    """A new post (任职); the current one ends the day before unless it is held concurrently."""

    concurrent = forms.BooleanField(label="兼任（不免去现任职务）", required=False)

    class Meta:
        model = PostAssignment
        fields = ["department", "title", "level", "start_date", "document"]

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="任职单位", queryset=departments)
        self.fields["start_date"].required = True


class PostEditForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    """Correct a post record, or end it (免职)."""

    class Meta:
        model = PostAssignment
        fields = ["department", "title", "level", "start_date", "end_date", "document"]
        widgets = {"end_date": DateInput()}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="任职单位", queryset=departments)


class RankStartForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = RankAssignment
        fields = ["rank", "start_date", "document"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = True


class RankEditForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = RankAssignment
        fields = ["rank", "start_date", "end_date", "document"]
        widgets = {"end_date": DateInput()}


# --- the sections of the appointment form --------------------------------------------------------


class SuggestionsInput(forms.TextInput):
    """A text box offering the usual values (an HTML datalist) while taking any other one."""

    def __init__(self, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = tuple(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "list": f"{(attrs or {}).get('id') or f'id_{name}'}-options", "autocomplete": "off"}
        options = format_html_join("", '<option value="{}"></option>', ((s,) for s in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>', super().render(name, value, attrs, renderer),
                           attrs["list"], options)


class ResumeEntryForm(PrecisionDateFormMixin, forms.ModelForm):
    """A line of the résumé entered by hand, dated to the month (2015.07)."""

    class Meta:
        model = ResumeEntry
        fields = ["start_date", "end_date", "unit", "post"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_date"].widget.attrs["placeholder"] = "如 2002.09"
        self.fields["end_date"].widget.attrs["placeholder"] = "如 2006.07"


class FamilyMemberForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_date", "political_status", "work_unit_and_post"]
        widgets = {"relation": SuggestionsInput(RELATIONS)}
        help_texts = {"relation": "可从列表中选，如：妻子、儿子、父亲；也可直接填写"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].widget.attrs["placeholder"] = "如 1960.03"


class RewardForm(PleaseChooseMixin, PrecisionDateFormMixin, forms.ModelForm):
    class Meta:
        model = Reward
        fields = ["kind", "name", "level", "granted_by", "granted_on"]


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


class DepartmentForm(PleaseChooseMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "short_name", "kind", "parent", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = DepartmentChoiceField(label="上级单位", queryset=Department.objects.in_tree_order(),
                                                      required=False, empty_label="（无：本局）")


# --- post quotas (职数) ----------------------------------------------------------------------------


class QuotaFilterForm(forms.Form):
    """The overview's filter bar: the day (统计时点, default today) and which units to list."""

    as_of = forms.DateField(label="统计时点", required=False, widget=DateInput(attrs={"class": "form-control"}),
                            input_formats=["%Y-%m-%d"])
    show = forms.ChoiceField(label="显示", required=False, choices=[])

    def __init__(self, *args, today, **kwargs):
        from cadres.selectors import QUOTA_SHOW_CHOICES

        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["as_of"].initial = today
        self.fields["show"].choices = QUOTA_SHOW_CHOICES

    def values(self) -> tuple:
        """Return (as_of, show); a value that does not parse falls back to today, all units."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["as_of"] or self.today, self.cleaned_data["show"] or ""
        return self.today, ""


def quota_kind_choices() -> list:
    from cadres.codes import Rank
    from cadres.quotas import KIND_LABELS, LEADERSHIP_KINDS

    leadership = [(kind, f"{KIND_LABELS[kind]}领导职数") for kind in LEADERSHIP_KINDS]
    ranks = [(f"R{rank.value}", f"{rank.label}职数") for rank in Rank if rank.value >= Rank.PRINCIPAL_STAFF_1]
    return [("", PLEASE_CHOOSE), ("领导职务", leadership), ("职级", ranks)]


class QuotaForm(PleaseChooseMixin, forms.ModelForm):
    """An approval of a unit's quota of one kind; on a correction, the reason too."""

    kind = forms.ChoiceField(label="职数类别", choices=[])
    reason = forms.CharField(label="更正原因", max_length=200, required=False,
                             help_text="如：录入时文号有误，按原件更正。新的批复请点“新增职数”，不要改旧记录。")

    class Meta:
        model = PostQuota
        fields = ["department", "approved", "document", "approved_on", "effective_from", "remarks"]
        widgets = {"approved_on": DateInput, "effective_from": DateInput}

    def __init__(self, *args, departments, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label="单位", queryset=departments)
        self.fields["kind"].choices = quota_kind_choices()
        self.order_fields(["department", "kind", "approved", "document", "approved_on", "effective_from", "remarks",
                           "reason"])
        if self.instance.pk:
            self.initial["kind"] = self.instance.kind
        if correcting:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = messages.QUOTA_REASON_REQUIRED
        else:
            del self.fields["reason"]

    def service_fields(self) -> dict:
        from cadres.quotas import parse_kind

        level, rank = parse_kind(self.cleaned_data["kind"])
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {**data, "level": level, "rank": rank}

    def _post_clean(self):
        # The model's checks (one kind, one row per unit, kind and day) run in the service, on the
        # values it is given; here the form only parses.
        pass
