"""Factories of 理论培训 (programmes and enrolments)."""

import datetime as dt
from decimal import Decimal

import factory

from tests.factories import CadreFactory, UserFactory
from training.models import Enrolment, TrainingProgramme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingProgramme

    name = factory.Sequence(lambda n: f"测试培训班{n}")
    category = TrainingProgramme.Category.POLICY
    kind = TrainingProgramme.Kind.GENERAL
    mode = TrainingProgramme.Mode.FULL_TIME
    organiser = "区委党校"
    start_date = dt.date(2026, 3, 2)
    end_date = dt.date(2026, 3, 6)
    hours = Decimal("40")
    created_by = factory.SubFactory(UserFactory, username="factory")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    programme = factory.SubFactory(ProgrammeFactory)
    cadre = factory.SubFactory(CadreFactory)
