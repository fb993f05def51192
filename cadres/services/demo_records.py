"""Writing the personal-record demo data (``seed_demo``): résumé, family and rewards of some demo cadres.

Every 科级 leader in service and about every fourth other cadre in service gets them, through the
child-record core (``child_record_save``), so the history and audit rows are those a user's
entry would write. A cadre who already has any of these records is left alone: a second run
writes nothing, and nothing a user entered is overwritten.
"""

from django.db.models import Exists, Min, OuterRef

from cadres.dates import DatePrecision
from cadres.demo import REFERENCE_DATE
from cadres.demo_records import demo_record
from cadres.models import Cadre, Education, FamilyMember, ResumeEntry, Reward
from cadres.services.records import child_record_save

REASON = "演示数据"


def _candidates():
    has_records = (Exists(ResumeEntry.objects.filter(cadre=OuterRef("pk")))
                   | Exists(FamilyMember.objects.filter(cadre=OuterRef("pk")))
                   | Exists(Reward.objects.filter(cadre=OuterRef("pk"))))
    cadres = (Cadre.objects.active().exclude(has_records).annotate(first_post=Min("posts__start_date"))
              .prefetch_related("educations").order_by("id"))
    # By the ID number's sequence digits, not by position, so the choice holds on a second run.
    return [cadre for cadre in cadres if cadre.current_level or int(cadre.id_number[14:17]) % 4 == 0]


def seed_demo_records(*, actor) -> int:
    """Give the chosen demo cadres their résumé, family and rewards; return how many cadres got them."""
    month = DatePrecision.MONTH
    count = 0
    for cadre in _candidates():
        # The highest full-time education (codes sort from 研究生 down): where the résumé begins.
        fulltime = min((e for e in cadre.educations.all() if e.kind == Education.Kind.FULL_TIME),
                       key=lambda e: e.level, default=None)
        record = demo_record(id_number=cadre.id_number, name=cadre.name, gender=cadre.gender,
                             birth=cadre.birth_date, work_start=cadre.work_start_date,
                             school=fulltime.school_major if fulltime else "",
                             graduated=fulltime.graduation_date if fulltime else None,
                             first_post=cadre.first_post, as_of=REFERENCE_DATE)
        for line in record.resume:
            child_record_save(actor=actor, reason=REASON, obj=ResumeEntry(
                cadre=cadre, start_date=line.start, start_date_precision=month, end_date=line.end,
                end_date_precision=month, unit=line.unit, post=line.post))
        for relative in record.family:
            child_record_save(actor=actor, reason=REASON, obj=FamilyMember(
                cadre=cadre, relation=relative.relation, name=relative.name, birth_date=relative.birth_date,
                birth_date_precision=month, political_status=relative.political_status,
                work_unit_and_post=relative.work_unit_and_post))
        for reward in record.rewards:
            child_record_save(actor=actor, reason=REASON, obj=Reward(
                cadre=cadre, kind=reward.kind, name=reward.name, level=reward.level, granted_by=reward.granted_by,
                granted_on=reward.granted_on, granted_on_precision=month))
        count += 1
    return count
