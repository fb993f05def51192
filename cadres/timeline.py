"""The 全程记实 (full-process record) of a cadre: one timeline assembled from every app.

Each app that records something about a cadre registers a ``TimelineSource`` here from its
``AppConfig.ready`` (the roster its posts, ranks and education; oversight its appraisals,
inspections, points, talks, adjustments and filings; training its courses and rotations;
selection the steps a cadre went through), so the roster never imports them. A source answers
for one cadre with a fixed number of queries (normally one), whatever the number of entries: the
timeline of a cadre with 5 and with 500 entries costs the same (issue 13). Never a query per entry.

A source sees the viewing user: an entry the user may not read (a 信访 filing for a department
head) is left out by the source, not by the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    """A kind of entry: ``slug`` in URLs and filters, ``label`` shown, ``order`` in the filter bar."""

    slug: str
    label: str
    order: int


# The kinds the timeline filters by, in the order the filter bar lists them. A source names one.
KINDS = {kind.slug: kind for kind in (
    Kind("post", "任职", 10),
    Kind("rank", "职级", 20),
    Kind("education", "学历学位", 30),
    Kind("appraisal", "考核", 40),
    Kind("inspection", "考察", 50),
    Kind("points", "积分", 60),
    Kind("talk", "谈心谈话", 70),
    Kind("adjustment", "动态管理", 80),
    Kind("filing", "备案", 90),
    Kind("discipline", "奖惩", 100),
    Kind("training", "教育培养", 110),
    Kind("selection", "选拔任用", 120),
)}


@dataclass(frozen=True)
class Link:
    """A material attached to an entry (a document, a record page): its name and where to open it."""

    label: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: when, what kind, a title and its details, and links to materials.

    ``on`` is the date the thing happened (a decision, a talk, an appointment); ``until`` closes a
    period (a post held, a training course). ``tone`` is a Bootstrap colour for the badge.
    """

    on: dt.date
    kind: str
    title: str
    detail: str = ""
    until: dt.date | None = None
    tone: str = "secondary"
    links: tuple[Link, ...] = field(default=())


class TimelineSource:
    """A kind of entry one app contributes. Subclasses set ``kind`` and implement ``entries``."""

    kind: str = ""

    def entries(self, *, cadre, user, start: dt.date | None = None, end: dt.date | None = None) -> list[Entry]:
        """Return this source's entries for ``cadre`` seen by ``user``, between ``start`` and ``end``.

        A fixed number of queries whatever the number of entries; filter by the dates in the query.
        """
        raise NotImplementedError


def between(queryset, field: str, start: dt.date | None, end: dt.date | None):
    """Filter ``queryset`` to the rows whose ``field`` lies in the period asked (either bound may be open)."""
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lte": end})
    return queryset


_sources: list[TimelineSource] = []


def register(cls: type[TimelineSource]) -> type[TimelineSource]:
    """Register a source (a class decorator); a class once, however often ``ready`` runs."""
    if cls.kind not in KINDS:
        raise ValueError(f"timeline source {cls.__name__} names an unknown kind {cls.kind!r}")
    if not any(type(source) is cls for source in _sources):
        _sources.append(cls())
    return cls


def sources(kinds: set[str] | None = None) -> list[TimelineSource]:
    """Return the registered sources, those of ``kinds`` only when given."""
    return [source for source in _sources if kinds is None or source.kind in kinds]
