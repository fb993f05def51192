"""全程记实: the steps a cadre went through as a candidate, their materials, and nothing of the others."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cadres.timeline import sources
from selection import services
from selection.timeline import SelectionSource

pytestmark = pytest.mark.django_db


def test_a_candidate_sees_the_steps_done_with_their_materials_and_no_other_candidate(wf):
    case = wf.new_case()
    first, second = (c.cadre for c in case.candidates.order_by("number"))
    wf.run(case, 1)
    wf.run(case, 2)
    attachment = services.attachment_add(actor=wf.staff, case=case, number=1, record_name="分析研判报告",
                                         file=SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert any(isinstance(source, SelectionSource) for source in sources({"selection"}))

    entries = SelectionSource().entries(cadre=first, user=wf.leader)
    assert [entry.title for entry in entries] == ["办公室主任选拔：第1步 分析研判", "办公室主任选拔：第2步 提出动议"]
    links = [link.url for entry in entries for link in entry.links]
    assert reverse("selection:attachment_download", args=[case.pk, attachment.pk]) in links
    text = " ".join(entry.title + entry.detail for entry in entries)
    assert second.name not in text

    from tests.factories import CadreFactory, DepartmentFactory, role_user

    assert SelectionSource().entries(cadre=CadreFactory(), user=wf.leader) == []
    outsider = role_user("科室负责人", departments=[DepartmentFactory(name="财务科")])
    assert SelectionSource().entries(cadre=first, user=outsider) == []
