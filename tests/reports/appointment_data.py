"""A cadre with every part of the 干部任免审批表 on record, for the appointment form's tests."""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from cadres.dates import DatePrecision
from cadres.models import Education, FamilyMember, PostAssignment, ResumeEntry, Reward
from oversight.models import AnnualAppraisal
from tests.factories import CadreFactory, DepartmentFactory


def jpeg_bytes(color=(180, 190, 220)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (90, 120), color).save(buffer, "JPEG")
    return buffer.getvalue()


def full_cadre(*, resume_lines: int = 15, department=None):
    """Return a cadre with a photo, both kinds of education, ``resume_lines`` résumé lines, a reward,
    three appraisals and two family members. One entered line (study) and posts for the rest."""
    department = department or DepartmentFactory(name="法规科")
    cadre = CadreFactory(name="王晓明", birth_date=dt.date(1985, 3, 12), department=department,
                         native_place="江苏南京", birthplace="江苏南京", health="健康",
                         familiar_expertise="熟悉行政执法工作，有法律专长",
                         party_join_date=dt.date(2008, 6, 1), party_join_date_precision=DatePrecision.MONTH,
                         work_start_date=dt.date(2007, 7, 1), work_start_date_precision=DatePrecision.MONTH)
    cadre.photo.save("test.jpg", ContentFile(jpeg_bytes()), save=True)
    Education.objects.create(cadre=cadre, kind=Education.Kind.FULL_TIME, level="21", degree="法学学士",
                             school_major="某某大学法律系法学专业")
    Education.objects.create(cadre=cadre, kind=Education.Kind.PART_TIME, level="14", degree="公共管理硕士",
                             school_major="某某大学公共管理学院公共管理专业")
    ResumeEntry.objects.create(cadre=cadre, start_date=dt.date(2003, 9, 1), end_date=dt.date(2007, 6, 30),
                               unit="某某大学法律系", post="法学专业学习")
    posts = resume_lines - 1
    for i in range(posts):
        start = dt.date(2007 + i, 7, 1)
        last = i == posts - 1
        PostAssignment.objects.create(cadre=cadre, department=department, title=f"法规科科员{i + 1}",
                                      start_date=start, end_date=None if last else dt.date(2008 + i, 6, 30))
    cadre.current_post_title = f"法规科科员{posts}"
    cadre.save(update_fields=["current_post_title"])
    Reward.objects.create(cadre=cadre, kind=Reward.Kind.TITLE, name="区优秀公务员", level=Reward.Level.COUNTY,
                          granted_on=dt.date(2019, 12, 1))
    year = timezone.localdate().year
    for offset, grade in ((3, "competent"), (2, "excellent"), (1, "competent")):
        AnnualAppraisal.objects.create(cadre=cadre, year=year - offset, grade=grade)
    FamilyMember.objects.create(cadre=cadre, relation="妻子", name="李娜", birth_date=dt.date(1986, 5, 20),
                                political_status="01", work_unit_and_post="某某公司职员")
    FamilyMember.objects.create(cadre=cadre, relation="儿子", name="王小明", birth_date=dt.date(2012, 9, 1),
                                work_unit_and_post="某某小学学生")
    return cadre
