"""全程记实: the timeline sources oversight contributes, and the assembly the page and the PDF share.

Sources registered here (from ``OversightConfig.ready``): the roster's posts, ranks and education
(the roster never imports a registry's consumer; oversight may import the roster), 奖惩 (rewards,
and 处分/诫勉 for those who may read them) and 备案 (only the filings the viewer may see: no 信访
for a 科室负责人). Each answers with a fixed number of queries whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cadre_office.attachments.models import Attachment
from cadres.dates import format_precise
from cadres.models import Education, PostAssignment, RankAssignment, Reward
from cadres.timeline import KINDS, Entry, Link, TimelineSource, between, register, sources
from oversight.filing_selectors import filings_visible_to
from oversight.models import DisciplineAction, Filing


@register
class PostSource(TimelineSource):
    """任职: each post held (from its start; ``until`` its end), with its unit and 任免文号."""

    kind = "post"

    def entries(self, *, cadre, user, start=None, end=None):
        posts = between(PostAssignment.objects.filter(cadre=cadre, start_date__isnull=False), "start_date", start, end)
        return [
            Entry(on=post.start_date, kind=self.kind,
                  title=f"任{post.title}" if post.title.startswith(post.department.name)
                  else f"任{post.department.name}{post.title}",
                  detail="；".join(part for part in (post.get_level_display(),
                                                     f"任免文号：{post.document}" if post.document else "") if part),
                  until=post.end_date, tone="primary")
            for post in posts.select_related("department")
        ]


@register
class RankSource(TimelineSource):
    kind = "rank"

    def entries(self, *, cadre, user, start=None, end=None):
        ranks = between(RankAssignment.objects.filter(cadre=cadre, start_date__isnull=False), "start_date", start, end)
        return [Entry(on=rank.start_date, kind=self.kind, title=f"晋升（任）{rank.get_rank_display()}",
                      detail=f"文号：{rank.document}" if rank.document else "", until=rank.end_date, tone="info")
                for rank in ranks]


@register
class EducationSource(TimelineSource):
    kind = "education"

    def entries(self, *, cadre, user, start=None, end=None):
        educations = between(Education.objects.filter(cadre=cadre, graduation_date__isnull=False),
                              "graduation_date", start, end)
        return [Entry(on=e.graduation_date, kind=self.kind,
                      title=f"{e.get_kind_display()}教育 {e.get_level_display().removesuffix('毕业')}毕业"
                      + (f"，获{e.degree}" if e.degree else ""),
                      detail=e.school_major, tone="success")
                for e in educations]


@register
class DisciplineSource(TimelineSource):
    """奖惩: rewards for whoever sees the cadre; 处分/诫勉 for those who may read them (two queries)."""

    kind = "discipline"

    def entries(self, *, cadre, user, start=None, end=None):
        entries = [
            Entry(on=reward.granted_on, kind=self.kind, title=reward.phrase,
                  detail=f"{reward.get_kind_display()}；{reward.granted_by}" if reward.granted_by
                  else reward.get_kind_display(), tone="success")
            for reward in between(Reward.objects.filter(cadre=cadre), "granted_on", start, end)
        ]
        if user.has_perm("oversight.view_disciplineaction"):
            entries += [
                Entry(on=action.decided_on, kind=self.kind,
                      title="被诫勉" if action.kind == DisciplineAction.Kind.ADMONITION
                      else f"受到{action.get_kind_display()}处分",
                      detail=f"{action.summary}；影响期至{action.effect_until:%Y-%m-%d}" if action.summary
                      else f"影响期至{action.effect_until:%Y-%m-%d}", tone="danger")
                for action in between(DisciplineAction.objects.filter(cadre=cadre), "decided_on", start, end)
            ]
        return entries


@register
class FilingSource(TimelineSource):
    """备案: the filings the viewer may see, with their materials as download links (two queries)."""

    kind = "filing"

    def entries(self, *, cadre, user, start=None, end=None):
        filings = list(between(filings_visible_to(user).filter(cadre=cadre), "event_date", start, end))
        if not filings:
            return []
        materials = defaultdict(list)
        for attachment in Attachment.objects.filter(owner_type=ContentType.objects.get_for_model(Filing),
                                                    owner_id__in=[f.pk for f in filings]).order_by("uploaded_at", "id"):
            materials[attachment.owner_id].append(
                Link(attachment.label, reverse("attachments:attachment_download", args=[attachment.pk])))
        return [
            Entry(on=f.event_date, kind=self.kind, title=f"{f.get_kind_display()}备案：{f.subject}",
                  detail=f"{f.get_state_display()}" + (f"（{f.filed_at:%Y-%m-%d}归档）" if f.filed_at else
                                                       f"；应于{f.due_on:%Y-%m-%d}前归档"),
                  tone="success" if f.state == Filing.State.FILED else "warning",
                  links=(Link("备案详情", reverse("oversight:filing_detail", args=[f.pk])), *materials[f.pk]))
            for f in filings
        ]


def timeline_kinds() -> list:
    """The kinds with a registered source, in the filter bar's order."""
    registered = {source.kind for source in sources()}
    return sorted((KINDS[slug] for slug in registered), key=lambda kind: kind.order)


def timeline_entries(*, cadre, user, kinds: set[str] | None = None, start: dt.date | None = None,
                     end: dt.date | None = None) -> list[Entry]:
    """Return the cadre's timeline as ``user`` may see it, oldest first (a fixed number of queries)."""
    entries = [entry for source in sources(kinds) for entry in source.entries(cadre=cadre, user=user, start=start,
                                                                                end=end)]
    return sorted(entries, key=lambda entry: (entry.on, KINDS[entry.kind].order))


def period_text(entry: Entry) -> str:
    """``2019-03-01 至 2021-06-30``, ``2019-03-01 至今`` for a period, or the date alone."""
    return format_precise(entry.on)
