"""全程记实: the steps of the selections a cadre went through as a candidate, with their materials.

Registered with the roster's timeline (``cadres.timeline``) from ``SelectionConfig.ready``. Only the
cadre's own candidacy shows: the case, the steps done while they were a candidate, and how their
candidacy ended; no other candidate's name or result. Cases the viewer may not see are left out.
Three queries whatever the number of cases and steps.
"""

from collections import defaultdict

from django.urls import reverse

from cadres.timeline import Entry, Link, TimelineSource, register
from selection.models import Candidate, CaseStep, StepAttachment
from selection.permissions import cases_visible_to

_TONES = {Candidate.State.APPOINTED: "success", Candidate.State.CONFIRMED: "success",
          Candidate.State.VETOED: "danger", Candidate.State.REMOVED: "danger", Candidate.State.DROPPED: "secondary"}


@register
class SelectionSource(TimelineSource):
    kind = "selection"

    def entries(self, *, cadre, user, start=None, end=None):
        candidacies = {c.case_id: c for c in Candidate.objects.filter(cadre=cadre, case__in=cases_visible_to(user))
                       .select_related("case")}
        if not candidacies:
            return []
        steps = [step for step in CaseStep.objects.filter(case_id__in=candidacies, state=CaseStep.State.DONE)
                 .select_related("definition").order_by("case_id", "number")
                 if (candidacies[step.case_id].stopped_at_step or step.number) >= step.number]
        materials = defaultdict(list)
        for attachment in StepAttachment.objects.filter(step__in=[s.pk for s in steps]).order_by("uploaded_at", "id"):
            materials[attachment.step_id].append(attachment)
        entries = []
        for step in steps:
            on = (step.decided_at or step.submitted_at)
            if on is None:
                continue
            on = on.date()
            if (start and on < start) or (end and on > end):
                continue
            candidacy = candidacies[step.case_id]
            case = candidacy.case
            links = tuple(Link(a.record_name, reverse("selection:attachment_download", args=[case.pk, a.pk]))
                          for a in materials[step.pk])
            entries.append(Entry(
                on=on, kind=self.kind, title=f"{case.title}：第{step.number}步 {step.definition.name}",
                detail=f"工作编号 {case.number}；本人为人选（{candidacy.get_state_display()}）",
                tone=_TONES.get(candidacy.state, "secondary"),
                links=(Link("选拔任用工作", reverse("selection:case_detail", args=[case.pk])), *links)))
        return entries
