"""Post quotas (职数) against occupancy on any day: the definitions of docs/definitions.md section 9.

A quota (``PostQuota``) is in force on day D when it is the latest of its unit and kind effective on
or before D. Occupancy is read from the post history, never from the cadre's current post:

- a leadership kind (正科, 副科) is occupied by the cadres in service on D (``in_service_on``) whose
  **principal post** on D is at that level in that unit. The principal post is the one of the
  highest level held on D (正科 before 副科), the earliest started among equals: one person takes
  one quota (一人一职数), so a 正科 who also holds a 副科 post counts once, as 正科, and a concurrent
  post (兼任) in another unit takes no quota there;
- a 职级 kind (一级主任科员 …) is occupied by the cadres in service holding that rank on D, in the unit
  of the post they hold on D (any post, a leadership one first), or their unit of record when they
  hold none.

``counted_posts`` and ``counted_ranks`` are the rows behind the numbers: the overview groups them
(one query each, whatever the number of units) and the drill-down lists them, so a number and its
list never disagree.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from cadres.codes import SECTION_LEVELS, LeadershipLevel, Rank
from cadres.models import Cadre, PostAssignment, PostQuota, RankAssignment, in_service_on

ZHENG = LeadershipLevel.TOWNSHIP_CHIEF
FU = LeadershipLevel.TOWNSHIP_DEPUTY
LEADERSHIP_KINDS = (f"L{ZHENG}", f"L{FU}")
KIND_LABELS = {f"L{ZHENG}": "正科", f"L{FU}": "副科", **{f"R{rank.value}": rank.label for rank in Rank}}


def kind_of(*, level: str = "", rank: str = "") -> str:
    return f"L{level}" if level else f"R{rank}"


def parse_kind(kind: str) -> tuple[str, str] | None:
    """Return (level, rank) of a kind code, or None when it names no kind."""
    if kind in LEADERSHIP_KINDS:
        return kind[1:], ""
    if kind.startswith("R") and kind[1:] in Rank.values:
        return "", kind[1:]
    return None


def _left_service(day: dt.date) -> Exists:
    """The outer row's cadre was out of service on ``day``: an anti-join on the few who left, cheaper than
    joining every cadre to test who is in."""
    return Exists(Cadre.objects.filter(pk=OuterRef("cadre_id")).exclude(in_service_on(day)))


def counted_posts(day: dt.date):
    """Return the posts that occupy a 正科 or 副科 quota on ``day``: each in-service cadre's principal post."""
    outranking = PostAssignment.objects.as_of(day).filter(cadre=OuterRef("cadre"), level__in=SECTION_LEVELS).filter(
        Q(level__lt=OuterRef("level"))
        | Q(level=OuterRef("level"), start_date__lt=OuterRef("start_date"))
        | Q(level=OuterRef("level"), start_date=OuterRef("start_date"), pk__lt=OuterRef("pk"))
    )
    return (PostAssignment.objects.as_of(day).filter(level__in=SECTION_LEVELS)
            .filter(~Exists(outranking), ~_left_service(day)))


def counted_ranks(day: dt.date):
    """Return the 职级 held on ``day`` by cadres in service, each with ``unit_id``: where it counts."""
    post_unit = (PostAssignment.objects.as_of(day).filter(cadre=OuterRef("cadre"))
                 .order_by(Case(When(level="", then=Value(1)), default=Value(0), output_field=IntegerField()),
                           "level", "start_date", "pk")
                 .values("department_id")[:1])
    return (RankAssignment.objects.as_of(day).filter(~_left_service(day))
            .annotate(unit_id=Coalesce(Subquery(post_unit), F("cadre__department_id"), output_field=BigIntegerField())))


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaFigure:
    """One unit's quota of one kind on a day, and how many occupy it. ``approved`` None: no quota in force."""

    occupied: int = 0
    quota: PostQuota | None = None

    @property
    def approved(self) -> int | None:
        return self.quota.approved if self.quota is not None else None

    @property
    def vacant(self) -> int | None:
        return None if self.quota is None else max(self.quota.approved - self.occupied, 0)

    @property
    def over(self) -> int | None:
        return None if self.quota is None else max(self.occupied - self.quota.approved, 0)


@dataclass
class Occupancy:
    """Quotas in force and occupancy on ``as_of``, per unit id and kind (``figure``)."""

    as_of: dt.date
    quotas: dict[tuple[int, str], PostQuota] = field(default_factory=dict)
    counts: dict[tuple[int, str], int] = field(default_factory=dict)

    def figure(self, unit_id: int, kind: str) -> QuotaFigure:
        return QuotaFigure(occupied=self.counts.get((unit_id, kind), 0), quota=self.quotas.get((unit_id, kind)))

    @property
    def kinds(self) -> list[str]:
        """The kinds to show: 正科 and 副科 always, then each 职级 with a quota in force, most senior first."""
        ranks = sorted({kind for _, kind in self.quotas if kind.startswith("R")})
        return [*LEADERSHIP_KINDS, *ranks]


def quotas_in_force(day: dt.date, units=None) -> dict[tuple[int, str], PostQuota]:
    """Return the quota in force on ``day`` per (unit id, kind): the latest effective on or before it. One query."""
    queryset = PostQuota.objects.filter(effective_from__lte=day)
    if units is not None:
        queryset = queryset.filter(department__in=units)
    found: dict[tuple[int, str], PostQuota] = {}
    for quota in queryset.order_by("department_id", "level", "rank", "-effective_from", "-pk"):
        found.setdefault((quota.department_id, quota.kind), quota)
    return found


def data_version() -> tuple[int, ...]:
    """Return what changes whenever occupancy may: the newest history row of posts, ranks, cadres and quotas.

    Every write to these goes through the services or the roster import, and each writes a history
    row (a delete too); so an unchanged tuple means unchanged data. One query on four primary keys.
    """
    tables = [model.history.model._meta.db_table for model in (PostAssignment, RankAssignment, Cadre, PostQuota)]
    # Table names from the models' own meta, quoted: nothing from a request.
    sql = "SELECT " + ", ".join(f"(SELECT MAX(history_id) FROM {connection.ops.quote_name(t)})"  # noqa: S608
                                for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(value or 0 for value in cursor.fetchone())


def quota_occupancy(as_of: dt.date, units=None) -> Occupancy:
    """Return the quotas in force and their occupancy on ``as_of`` for ``units`` (unit ids; None: all).

    The whole bureau's figures are computed once per day asked and per state of the data
    (``data_version``) and kept in the cache: at 100,000 cadres the count scans every post held on
    the day (about 230 ms), while the overview, the unit tree and each unit page ask again and again
    between two changes. A unit's figures are the bureau's for that unit, so ``units`` only picks.
    Queries: the data version, then (cache miss) the quotas, the principal posts grouped by unit and
    level, and the ranks grouped by unit and rank when a 职级 quota is in force; never one per unit.
    """
    key = f"quota-occupancy:{as_of.isoformat()}:{'-'.join(map(str, data_version()))}"
    occupancy = cache.get(key)
    if occupancy is None:
        occupancy = _compute_occupancy(as_of)
        cache.set(key, occupancy, OCCUPANCY_CACHE_SECONDS)
    if units is None:
        return occupancy
    ids = set(units)
    return Occupancy(as_of=as_of, quotas={k: v for k, v in occupancy.quotas.items() if k[0] in ids},
                     counts={k: v for k, v in occupancy.counts.items() if k[0] in ids})


# A day's figures for one state of the data; a new write changes the key, so this only bounds the memory.
OCCUPANCY_CACHE_SECONDS = 3600


def _compute_occupancy(as_of: dt.date) -> Occupancy:
    """The whole bureau's quotas in force and occupancy on ``as_of``: two or three grouped queries."""
    quotas = quotas_in_force(as_of)
    counts: dict[tuple[int, str], int] = {}
    for row in counted_posts(as_of).order_by().values("department_id", "level").annotate(n=Count("pk")):
        counts[(row["department_id"], kind_of(level=row["level"]))] = row["n"]
    rank_codes = {kind[1:] for _, kind in quotas if kind.startswith("R")}
    if rank_codes:
        ranks = counted_ranks(as_of).filter(rank__in=rank_codes)
        for row in ranks.order_by().values("unit_id", "rank").annotate(n=Count("pk")):
            counts[(row["unit_id"], kind_of(rank=row["rank"]))] = row["n"]
    return Occupancy(as_of=as_of, quotas=quotas, counts=counts)


def vacancy_on(*, department, level: str, as_of: dt.date) -> QuotaFigure:
    """Return ``department``'s quota of leadership ``level`` on ``as_of`` and its occupancy (the selection check)."""
    return quota_occupancy(as_of, {department.pk}).figure(department.pk, kind_of(level=level))
