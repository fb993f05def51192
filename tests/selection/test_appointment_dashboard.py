"""After step 15 the roster and the dashboard (recomputed for the decision date) show the appointment."""

import datetime as dt

from cadre_office.dashboard.models import Figure
from cadre_office.dashboard.services import snapshot_compute
from cadres.models import PostAssignment
from tests.factories import CadreFactory
from tests.selection.conftest import DECISION_DATE


def test_the_appointment_reaches_the_post_history_and_the_dashboard_of_the_decision_date(wf):
    winner = CadreFactory(name="张三", birth_date=dt.date(1990, 5, 1))  # 34 on the decision date
    case = wf.new_case(cadres=[winner, CadreFactory(name="李四")])

    before = snapshot_compute(as_of=DECISION_DATE)
    zk_before = Figure.objects.get(snapshot=before, department=None, code="zk_under40").numerator

    wf.advance(case, through=15)
    case.refresh_from_db()
    assert case.decided_on == DECISION_DATE
    post = PostAssignment.objects.as_of(DECISION_DATE).get(cadre=winner)
    assert (post.title, post.level, post.start_date) == ("办公室主任", "51", DECISION_DATE)
    assert not PostAssignment.objects.as_of(DECISION_DATE - dt.timedelta(days=1)).filter(pk=post.pk).exists()
    winner.refresh_from_db()
    assert winner.current_post_title == "办公室主任"

    after = snapshot_compute(as_of=DECISION_DATE)
    figure = Figure.objects.get(snapshot=after, department=None, code="zk_under40")
    assert figure.numerator == zk_before + 1
    assert winner.department == wf.department  # the appointment moves the cadre to the case's department
    assert Figure.objects.get(snapshot=after, department=wf.department, code="zk_under40").numerator == 1
