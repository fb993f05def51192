"""factory_boy factories for the roster."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from cadres.codes import Ethnicity, Gender, PoliticalStatus
from cadres.idnumbers import make_id_number
from cadres.models import Cadre, Department, Education, PostAssignment, RankAssignment

_sequence = itertools.count()


def unique_id_number(birth_date: dt.date, gender: str) -> str:
    """Return a valid ID number never handed out before in this test run."""
    n = next(_sequence)
    region = f"{110101 + n // 100:06d}"
    return make_id_number(region, birth_date, n % 100, gender)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or "Test-pass-2026")
        if create:
            user.save(update_fields=["password"])


def role_user(role: str, *, username=None, first_name="", departments=(), password="Test-pass-2026"):
    """Return an active account holding ``role`` (a group), scoped to ``departments``.

    Its password is fresh, so the login policy asks for no change; administrators still
    owe their second factor: log them in with ``log_in`` below.
    """
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from guardian.shortcuts import assign_perm

    from cadre_office.accounts.models import Profile

    user = UserFactory(username=username or f"{role}{next(_sequence)}", password=password, first_name=first_name)
    user.groups.set([Group.objects.get(name=role)])
    Profile.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False}
    )
    for department in departments:
        assign_perm("cadres.view_department_cadres", user, department)
    return user


class DepartmentFactory(factory.django.DjangoModelFactory):
    """Departments go through the service so their tree path is set."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试科{n}")
    kind = Department.Kind.SECTION
    sort_order = factory.Sequence(lambda n: 100 + n)
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from cadres.services import department_create, department_root

        actor = UserFactory(username="factory")
        parent = kwargs.pop("parent", None) or department_root(actor=actor)
        return department_create(actor=actor, parent=parent, **kwargs)


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"干部{n}")
    gender = Gender.MALE
    ethnicity = Ethnicity.HAN
    birth_date = dt.date(1988, 5, 17)
    id_number = factory.LazyAttribute(lambda o: unique_id_number(o.birth_date, o.gender))
    political_status = PoliticalStatus.CPC_MEMBER
    department = factory.SubFactory(DepartmentFactory)


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Education

    cadre = factory.SubFactory(CadreFactory)
    kind = Education.Kind.FULL_TIME
    level = "21"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostAssignment

    cadre = factory.SubFactory(CadreFactory)
    department = factory.LazyAttribute(lambda o: o.cadre.department)
    title = "科长"
    level = "51"
    start_date = dt.date(2020, 1, 1)


class RankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankAssignment

    cadre = factory.SubFactory(CadreFactory)
    rank = "08"
    start_date = dt.date(2019, 6, 1)


def section_cadre(level="51", *, birth=dt.date(1990, 6, 1), bachelor=False, **fields):
    """Return a cadre holding a post at ``level`` (正科 51, 副科 52) since 2020, with a 大学本科 when ``bachelor``."""
    cadre = CadreFactory(birth_date=birth, **fields)
    PostFactory(cadre=cadre, level=level, start_date=dt.date(2020, 1, 1))
    if bachelor:
        EducationFactory(cadre=cadre, level="21")
    return cadre


def grant_role(user, role: str, *, requested_by, confirmed_by=None, departments=(), reason="测试授予"):
    """Grant ``role`` as the application does: ``requested_by`` asks, a 局领导 (or ``confirmed_by``) confirms.

    Return the activation code the confirmation issued ("" when none: the account already had an
    authenticator, or the role needs no second factor and took effect at once).
    """
    from cadre_office.accounts.services import account_change_role, change_request_confirm

    change = account_change_role(actor=requested_by, user=user, role=role, departments=departments, reason=reason)
    if change is None:
        return ""
    confirmer = confirmed_by or role_user("局领导", username=f"confirmer{next(_sequence)}")
    return change_request_confirm(actor=confirmer, request=change).activation_code


def log_in(client, user):
    """Log ``client`` in as ``user`` with the second factor already verified (as after a TOTP login)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="测试口令", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
