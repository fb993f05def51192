"""Small things of the forms: 请选择 in every empty select; the photo as a thumbnail with 更换 and 删除."""

import inspect
import io

import pytest
from django import forms
from django.urls import reverse
from PIL import Image

import cadre_office.accounts.forms
import cadre_office.dashboard.forms
import cadres.forms
import oversight.forms
import selection.forms
from cadre_office.forms import PLEASE_CHOOSE
from cadres import messages
from cadres.models import Cadre, Department
from tests.factories import CadreFactory, log_in, role_user

pytestmark = pytest.mark.django_db

FORM_MODULES = (cadres.forms, oversight.forms, selection.forms, cadre_office.accounts.forms,
                cadre_office.dashboard.forms)
# Labels of an empty choice that say more than 请选择, each chosen by its form on purpose.
# 全部单位: the 职数 overview's filter, where no choice means every unit, as the filter bars' 全部….
OWN_BLANK_LABELS = (["（无：本局）"], ["（暂不分配）"], ["（无角色）"], ["其他（请填写）"], ["全部单位"])


def _kwargs() -> dict:
    """What the forms' constructors ask for: real objects, so that each form is built as its page builds it."""
    import datetime as dt

    from cadre_office.dashboard.models import Target
    from selection import services
    from tests.selection.conftest import ensure_default_template

    template = ensure_default_template()
    staff = role_user("人事干部")
    case = services.case_create(actor=staff, title="表单检查", department=CadreFactory().department,
                                post_title="副科长", level="52", method="competitive",
                                cadres=[CadreFactory(), CadreFactory()])
    return {
        "departments": Department.objects.all(), "cadres": Cadre.objects.all(), "case": case,
        "definition": template.steps.order_by("number").first(), "with_role": True, "account": staff,
        "today": dt.date(2026, 12, 1), "target": Target.objects.first(), "required_records": ["分析研判报告"],
    }


def _forms():
    for module in FORM_MODULES:
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield pytest.param(cls, id=name)


@pytest.mark.parametrize("form_class", list(_forms()))
def test_every_empty_choice_of_a_select_says_please_choose(form_class):
    params = inspect.signature(form_class.__init__).parameters
    form = form_class(**{key: value for key, value in _kwargs().items() if key in params})
    for name, field in form.fields.items():
        if isinstance(field, forms.ChoiceField):
            labels = [str(label) for value, label in field.choices if value == ""]
            assert "---------" not in labels, (form_class.__name__, name)
            if labels and not isinstance(field, forms.ModelChoiceField):
                assert labels == [PLEASE_CHOOSE] or labels in OWN_BLANK_LABELS, (form_class.__name__, name, labels)


def test_the_cadre_form_offers_please_choose_on_the_page(client):
    log_in(client, role_user("人事干部"))
    page = client.get(reverse("cadres:cadre_create")).text
    assert "---------" not in page and f'<option value="" selected>{PLEASE_CHOOSE}</option>' in page


def _image(fmt: str, size=(90, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.fixture
def staff_client(client):
    return log_in(client, role_user("人事干部"))


def _post(client, cadre, **extra):
    url = reverse("cadres:cadre_update", args=[cadre.pk])
    data = {"name": cadre.name, "ethnicity": cadre.ethnicity, "political_status": cadre.political_status,
            "department": cadre.department_id, "version": Cadre.objects.get(pk=cadre.pk).version, **extra}
    return client.post(url, data)


def test_the_edit_page_shows_the_photo_as_a_thumbnail_with_change_and_delete_and_no_media_link(staff_client):
    cadre = CadreFactory()
    page = staff_client.get(reverse("cadres:cadre_update", args=[cadre.pk])).text
    assert "暂无照片" in page and "上传照片" in page and "删除照片" not in page
    assert _post(staff_client, cadre, photo=_upload("证件照.png", _image("PNG"))).status_code == 302
    cadre.refresh_from_db()
    assert cadre.photo.name.endswith(".png") and "证件照" not in cadre.photo.name

    page = staff_client.get(reverse("cadres:cadre_update", args=[cadre.pk])).text
    thumbnail = f'<img src="{reverse("cadres:cadre_photo", args=[cadre.pk])}" alt="当前照片"'
    assert thumbnail in page and "更换照片" in page and "删除照片" in page
    assert "/media/" not in page and cadre.photo.name not in page  # nothing points at the file itself

    assert _post(staff_client, cadre, **{"photo-clear": "on"}).status_code == 302
    cadre.refresh_from_db()
    assert not cadre.photo
    # The change history says what happened to the photo, not where its file was stored.
    from cadres.selectors import cadre_history

    changes = [change for entry in cadre_history(cadre) for change in entry.changes if change[0] == "照片"]
    assert changes == [("照片", "有", "已删除"), ("照片", "（空）", "已上传")]


@pytest.mark.parametrize(("name", "content", "error"), [
    ("photo.jpg", b"not an image at all", messages.PHOTO_NOT_IMAGE),
    ("photo.png", None, messages.PHOTO_NOT_IMAGE),  # a GIF named .png
    ("photo.jpg", b"\xff\xd8" + b"0" * (3 * 1024 * 1024), messages.PHOTO_NOT_IMAGE),
])
def test_a_photo_is_checked_by_its_content_not_its_name(staff_client, name, content, error):
    cadre = CadreFactory()
    response = _post(staff_client, cadre, photo=_upload(name, content if content is not None else _image("GIF")))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [error]
    assert not Cadre.objects.get(pk=cadre.pk).photo


def test_a_jpeg_named_png_is_taken_as_the_jpeg_it_is(staff_client):
    cadre = CadreFactory()
    assert _post(staff_client, cadre, photo=_upload("x.png", _image("JPEG"))).status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).photo.name.endswith(".jpg")


def test_a_photo_over_the_size_limit_is_refused(staff_client, settings):
    settings.PHOTO_MAX_BYTES = 1000
    cadre = CadreFactory()
    response = _post(staff_client, cadre, photo=_upload("big.png", _image("PNG", (600, 800))))
    assert response.context["form"].errors["photo"] == [messages.PHOTO_TOO_LARGE]
