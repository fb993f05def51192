import pytest

from tests.factories import log_in, role_user


@pytest.fixture
def staff(db):
    """A personnel staff member (人事干部): edits every cadre's record."""
    return role_user("人事干部", username="staff", first_name="王人事")


@pytest.fixture
def staff_client(client, staff):
    return log_in(client, staff)
