"""The attachment store: uploads checked on content, downloads scoped, headed against rendering, audited."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadre_office.accounts.roles import Role
from cadre_office.attachments import messages
from cadre_office.attachments.models import Attachment
from cadre_office.attachments.services import attachment_add, check_upload
from cadre_office.audit.models import AuditEvent
from oversight import services
from oversight.models import Filing
from tests.factories import CadreFactory, DepartmentFactory, log_in, role_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def zipped(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def filing(db):
    staff = role_user(Role.PERSONNEL)
    cadre = CadreFactory(department=DepartmentFactory(name="办公室"))
    filing = services.filing_submit(actor=staff, filing=Filing(
        cadre=cadre, kind=Filing.Kind.HONOUR, event_date=cadre.birth_date.replace(year=2026, month=11),
        honour_title="全区优秀公务员", awarding_body="中共某某区委", honour_level=Filing.HonourLevel.COUNTY))
    filing.staff = staff
    return filing


def refused(name, content, message, filing):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=filing.staff, owner=filing, file=upload(name, content), label="荣誉证书")
    assert exc.value.messages == [message]
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="oversight.filing", event="create",
                                         detail__attachment__isnull=False).exists()


@pytest.mark.parametrize("content", [HTML, SVG, b"%PDF-1.4\n<html><script>x</script></html>"])
def test_html_or_svg_renamed_pdf_is_refused(filing, content):
    refused("证书.pdf", content, messages.ACTIVE_CONTENT, filing)


@pytest.mark.parametrize(("name", "content", "actual"), [
    ("证书.pdf", PNG, "PNG"), ("证书.docx", PDF, "PDF"),
    ("表.xlsx", zipped(["[Content_Types].xml", "word/document.xml"]), "Word"),
])
def test_content_of_another_allowed_type_than_the_name_is_refused(filing, name, content, actual):
    refused(name, content, messages.MISMATCH.format(actual=actual, extension=name.rsplit(".", 1)[1]), filing)


def test_unknown_content_is_refused(filing):
    refused("证书.pdf", b"MZ\x90\x00 an executable", messages.BAD_CONTENT, filing)
    refused("证书.docx", zipped(["evil.sh"]), messages.BAD_CONTENT, filing)


def test_a_name_of_a_type_not_allowed_is_refused(filing):
    refused("页面.html", PDF, messages.BAD_EXTENSION.format(types="、".join(sorted(
        ["pdf", "ofd", "docx", "xlsx", "doc", "xls", "jpg", "jpeg", "png"]))), filing)


def test_an_empty_file_is_refused(filing):
    refused("证书.pdf", b"", messages.EMPTY_FILE, filing)


def test_oversize_is_refused_before_the_content_is_read(filing, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024

    class Unread(io.BytesIO):
        size = 1024 * 1024 + 1
        name = "证书.pdf"

        def read(self, *args):  # the check must not read a byte of it
            raise AssertionError("read before the size was checked")

    with pytest.raises(ValidationError) as exc:
        check_upload(Unread())
    assert exc.value.messages == [messages.TOO_LARGE.format(mb=1)]
    assert exc.value.code == "too_large"


@pytest.mark.parametrize(("name", "content", "stored_type"), [
    ("证书.pdf", PDF, "application/pdf"), ("照片.png", PNG, "image/png"), ("照片.JPG", JPEG, "image/jpeg"),
    ("旧表.xls", OLE, "application/octet-stream"), ("学历.docx", zipped(["[Content_Types].xml", "word/a.xml"]),
                                                   "application/vnd.openxmlformats-officedocument.wordprocessingml"
                                                   ".document"),
    ("台账.xlsx", zipped(["[Content_Types].xml", "xl/workbook.xml"]),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("文件.ofd", zipped(["OFD.xml", "Doc_0/Document.xml"]), "application/ofd"),
])
def test_allowed_files_are_stored_under_a_random_name(filing, name, content, stored_type):
    attachment = attachment_add(actor=filing.staff, owner=filing, file=upload(name, content), label="荣誉证书")
    assert attachment.original_name == name
    assert attachment.content_type == stored_type
    assert attachment.size == len(content) and len(attachment.sha256) == 64
    assert attachment.owner == filing and attachment.uploaded_by == filing.staff
    assert name not in attachment.file.name and attachment.file.name.startswith("attachments/")
    assert attachment.history.count() == 1 and attachment.history.get().history_user == filing.staff
    assert AuditEvent.objects.filter(event="create", object_type="oversight.filing",
                                     detail__attachment=attachment.pk).count() == 1


def test_download_is_scoped_headed_against_rendering_and_audited(client, filing):
    unit = filing.cadre.department
    attachment = attachment_add(actor=filing.staff, owner=filing, file=upload("证书.pdf", PDF), label="荣誉证书")
    url = reverse("attachments:attachment_download", args=[attachment.pk])

    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

    log_in(client, role_user(Role.DEPARTMENT_HEAD, departments=[unit]))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["Content-Type"] == "application/pdf"
    downloads = AuditEvent.objects.filter(event="download", object_type="attachments.attachment",
                                          object_id=str(attachment.pk))
    assert downloads.count() == 1

    stranger = role_user(Role.DEPARTMENT_HEAD, departments=[DepartmentFactory(name="财务科")])
    log_in(client, stranger)
    assert client.get(url).status_code == 404
    denied = AuditEvent.objects.get(event="access_denied", user=stranger)
    assert denied.object_id == str(attachment.pk)
    assert downloads.count() == 1
    assert client.get(reverse("attachments:attachment_download", args=[attachment.pk + 999])).status_code == 404


def test_a_petition_attachment_is_not_found_for_a_department_head_even_in_scope(client, filing):
    petition = services.filing_submit(actor=filing.staff, filing=Filing(
        cadre=filing.cadre, kind=Filing.Kind.PETITION, event_date=filing.event_date,
        petition_source=Filing.PetitionSource.LETTER, petition_summary="反映其工作作风问题"))
    attachment = attachment_add(actor=filing.staff, owner=petition, file=upload("信访件.pdf", PDF), label="信访件")
    log_in(client, role_user(Role.DEPARTMENT_HEAD, departments=[filing.cadre.department]))
    assert client.get(reverse("attachments:attachment_download", args=[attachment.pk])).status_code == 404
    log_in(client, role_user(Role.DISCIPLINE))
    assert client.get(reverse("attachments:attachment_download", args=[attachment.pk])).status_code == 200


def test_a_stored_file_whose_content_is_not_allowed_is_served_as_octet_stream(client, filing):
    attachment = attachment_add(actor=filing.staff, owner=filing, file=upload("证书.pdf", PDF), label="荣誉证书")
    with attachment.file.open("wb") as handle:  # the disk altered behind the application's back
        handle.write(HTML)
    log_in(client, filing.staff)
    response = client.get(reverse("attachments:attachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
