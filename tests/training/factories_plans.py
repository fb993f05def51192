"""Factories for the 个人培养计划 tests: the rows of the other parts a plan links to, made directly."""

import datetime as dt
from decimal import Decimal

import factory

from oversight.models import InspectionShortcoming, InspectionVisit
from tests.factories import CadreFactory, DepartmentFactory, UserFactory
from training.models import (
    DevelopmentPlan,
    Enrolment,
    PoolMember,
    PracticePlacement,
    RotationPlan,
    TrainingProgramme,
)


class PoolMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolMember

    cadre = factory.SubFactory(CadreFactory)
    kind = PoolMember.Kind.RESERVE
    entered_on = dt.date(2026, 3, 1)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProgramme

    name = factory.Sequence(lambda n: f"中青年干部培训班第{n}期")
    category = TrainingProgramme.Category.POLICY
    kind = TrainingProgramme.Kind.YOUNG
    mode = TrainingProgramme.Mode.FULL_TIME
    organiser = "区委党校"
    start_date = dt.date(2026, 9, 1)
    end_date = dt.date(2026, 9, 30)
    hours = Decimal("60")
    created_by = factory.SubFactory(UserFactory, username="factory")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    programme = factory.SubFactory(ProgrammeFactory)
    cadre = factory.SubFactory(CadreFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticePlacement

    cadre = factory.SubFactory(CadreFactory)
    kind = PracticePlacement.Kind.GRASS_ROOTS
    host = "某某街道办事处"
    role = "党工委委员"
    planned_start = dt.date(2026, 3, 1)
    planned_end = dt.date(2026, 8, 31)
    created_by = factory.SubFactory(UserFactory, username="factory")


class RotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationPlan

    cadre = factory.SubFactory(CadreFactory)
    to_department = factory.SubFactory(DepartmentFactory)
    to_title = "副科长"
    planned_date = dt.date(2027, 3, 1)
    reason = "多岗位锻炼"
    created_by = factory.SubFactory(UserFactory, username="factory")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentPlan

    member = factory.SubFactory(PoolMemberFactory)
    cadre = factory.LazyAttribute(lambda o: o.member.cadre)
    start_year = 2026
    end_year = 2028
    direction = "综合管理"
    created_by = factory.SubFactory(UserFactory, username="factory")


def shortcoming(cadre, description="统筹协调能力有待提高", *, resolved_on=None, visited_on=dt.date(2026, 5, 10)):
    """A 考察 of ``cadre`` with one shortcoming; return the shortcoming."""
    visit = InspectionVisit.objects.create(cadre=cadre, visited_on=visited_on, inspectors="组织人事科 张三、李四",
                                           political_rating="good", performance_rating="fair",
                                           morale_rating="good", integrity_rating="good")
    return InspectionShortcoming.objects.create(cadre=cadre, visit=visit, area="performance", description=description,
                                                suggestion="多参与综合协调工作", resolved_on=resolved_on)
