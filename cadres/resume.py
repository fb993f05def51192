"""The résumé (简历) as the appointment form writes it: "2015.07--2018.12  区某某局法规科科员".

A cadre's résumé has two sources. From the day the cadre joined the system (the start of the
earliest post in the post history) the lines are drawn from the post history; the years before
(study, earlier work elsewhere) are entered by hand as ``ResumeEntry`` rows. ``build_resume``
merges the two in date order and notes what an officer should look at: an entered line that
overlaps the post history, a stretch of months no line covers, a post without a start date.

How a post becomes a line:

- The unit is the bureau's name (``settings.BUREAU_NAME``) and the department's place under it
  ("区某某局法规科"); a department whose name already begins with the bureau's name starts afresh.
  The title follows, without repeating the department's name when the title already holds it
  (the roster's titles are full names: 法规科科长).
- A post held inside another's years is concurrent: it goes with that line as
  "（其间：2017.03--2019.06兼任机关党委委员）", or "兼机关党委委员" when held for the same years.
- A line ends in the month the next one starts when one follows the next day (offices write
  "2015.07--2018.12" then "2018.12--"); an open post ends 至今.

Dates are written to the month, whatever precision they were recorded with. Nothing here
queries the database: the selector (``cadres.selectors.resume_of``) hands in the records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

SEPARATOR = "--"
GAP = "  "  # between the dates and the text: two spaces, as offices write it
OPEN_END = "至今"


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_text(day: dt.date) -> str:
    return f"{day:%Y.%m}"


def _month_from_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class ResumeLine:
    """One line of the résumé: from ``start`` to ``end`` (None: 至今), the unit and post as one text.

    ``entry`` is the ``ResumeEntry`` an entered line comes from (None for one drawn from the post
    history); ``overlaps`` the lines from the post history an entered line overlaps.
    """

    start: dt.date
    end: dt.date | None
    text: str
    entry: object | None = None
    posts: list = field(default_factory=list)
    overlaps: list[ResumeLine] = field(default_factory=list)
    shown_end: dt.date | None = None  # the month written as the end (the next line's start when they join)

    @property
    def generated(self) -> bool:
        return self.entry is None

    @property
    def dates(self) -> str:
        end = OPEN_END if self.end is None else month_text(self.shown_end or self.end)
        return f"{month_text(self.start)}{SEPARATOR}{end}"

    def __str__(self):
        return f"{self.dates}{GAP}{self.text}"


@dataclass(frozen=True)
class Gap:
    """Months no line of the résumé covers (the form asks for none: 前后衔接，不得空断)."""

    first: dt.date  # the first month uncovered
    last: dt.date  # the last one

    def __str__(self):
        if self.first == self.last:
            return month_text(self.first)
        return f"{month_text(self.first)}{SEPARATOR}{month_text(self.last)}"


@dataclass
class Resume:
    lines: list[ResumeLine]
    joined_on: dt.date | None  # the start of the earliest post: from then on the post history speaks
    gaps: list[Gap]
    undated_posts: list  # posts without a start date, which no line can place

    @property
    def text(self) -> str:
        """Return the résumé as one text, a line each, as the appointment form writes it."""
        return "\n".join(str(line) for line in self.lines)

    @property
    def overlapping(self) -> list[ResumeLine]:
        return [line for line in self.lines if line.overlaps]


# --- the unit and post of a post -------------------------------------------------------------------


def unit_chain(department, ancestors: dict[int, object], bureau_name: str) -> list[str]:
    """Return the names a post's unit is written with: the bureau's, then each department down to its own.

    ``ancestors`` maps the id of each department on ``department``'s path (itself included) to the
    department. The root (the bureau itself) is written as ``bureau_name``; a department whose name
    already begins with the bureau's name starts the chain afresh.
    """
    chain = []
    for pk in path_ids(department.path) or [department.pk]:
        node = ancestors.get(pk, department if pk == department.pk else None)
        if node is None:
            continue
        if node.parent_id is None:
            chain = [bureau_name]
        elif node.name.startswith(bureau_name):
            chain = [node.name]
        else:
            chain.append(node.name)
    if not chain or not chain[0].startswith(bureau_name):
        chain.insert(0, bureau_name)
    return chain


def unit_text(department, ancestors: dict[int, object], bureau_name: str) -> str:
    """Return the unit a post is written under: 区某某局法规科."""
    return "".join(unit_chain(department, ancestors, bureau_name))


def post_text(post, ancestors: dict[int, object], bureau_name: str) -> str:
    """Return a post as a résumé writes it: 区某某局法规科科长, the title's own 法规科 not repeated.

    The roster's titles are full names (法规科科长, 第一所综合科科长): where a title begins with the
    names of its departments, those are left out of the unit; one that begins with the department's
    short name (政研室主任) is written with the full name.
    """
    chain = unit_chain(post.department, ancestors, bureau_name)
    title = post.title.strip()
    for i in range(len(chain)):  # the longest run of departments the title repeats
        if title.startswith("".join(chain[i:])):
            return "".join(chain[:i]) + title
    short_name = post.department.short_name
    if short_name and title.startswith(short_name):  # 政研室主任 in 政策研究室: the unit's full name
        return "".join(chain) + title.removeprefix(short_name)
    for i in range(1, len(chain)):  # a title naming a department higher up (第一所党支部书记 in 第一所综合科)
        if title.startswith(chain[i]):
            return "".join(chain[:i]) + title
    return "".join(chain) + title


def path_ids(path: str) -> list[int]:
    """Return the ids on a department's tree path ("/00000-0000001/00010-0000004/" → [1, 4])."""
    return [int(segment.rsplit("-", 1)[1]) for segment in path.strip("/").split("/") if "-" in segment]


def _relative(text: str, base: str, bureau_name: str) -> str:
    """Return a concurrent post's text without the bureau's name where its line already has it."""
    if base.startswith(bureau_name) and text.startswith(bureau_name) and text != bureau_name:
        return text.removeprefix(bureau_name)
    return text


# --- building --------------------------------------------------------------------------------------

_FAR = dt.date.max


def _end(day: dt.date | None) -> dt.date:
    return _FAR if day is None else day


def build_resume(*, posts: Iterable, entries: Iterable, ancestors: dict[int, object], bureau_name: str) -> Resume:
    """Merge the entered lines and the post history into the résumé (see the module's docstring)."""
    dated = sorted((p for p in posts if p.start_date), key=lambda p: (p.start_date, -_end(p.end_date).toordinal(),
                                                                     p.pk or 0))
    undated = [p for p in posts if not p.start_date]
    generated: list[ResumeLine] = []
    for post in dated:
        text = post_text(post, ancestors, bureau_name)
        holder = next((line for line in generated
                       if line.start <= post.start_date and _end(post.end_date) <= _end(line.end)), None)
        if holder is None:
            generated.append(ResumeLine(start=post.start_date, end=post.end_date, text=text, posts=[post]))
            continue
        concurrent = _relative(text, holder.text, bureau_name)
        if (holder.start, holder.end) == (post.start_date, post.end_date):
            holder.text += f"兼{concurrent}"
        else:
            holder.posts.append(post)
            holder.text = _with_meanwhile(holder.text, post, concurrent)
    entered = [ResumeLine(start=entry.start_date, end=entry.end_date, text=f"{entry.unit}{entry.post}", entry=entry)
               for entry in entries]
    for line in entered:
        line.overlaps = [g for g in generated if _overlap(line, g)]
    lines = sorted(generated + entered, key=lambda line: (line.start, line.generated, _end(line.end)))
    starts = {line.start for line in lines}
    for line in lines:
        if line.end is not None and line.end + dt.timedelta(days=1) in starts:
            line.shown_end = line.end + dt.timedelta(days=1)
    return Resume(lines=lines, joined_on=dated[0].start_date if dated else None, gaps=_gaps(lines),
                  undated_posts=undated)


_MEANWHILE = "（其间："


def _with_meanwhile(text: str, post, concurrent: str) -> str:
    period = f"{month_text(post.start_date)}{SEPARATOR}{month_text(post.end_date) if post.end_date else OPEN_END}"
    item = f"{period}兼任{concurrent}"
    if text.endswith("）") and _MEANWHILE in text:
        return f"{text[:-1]}；{item}）"
    return f"{text}{_MEANWHILE}{item}）"


def _overlap(line: ResumeLine, other: ResumeLine) -> bool:
    return periods_overlap(line.start, line.end, other.start, other.end)


def periods_overlap(start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None) -> bool:
    """Whether two periods (None: 至今) share a month beyond the one where one ends and the next begins."""
    return (month_index(start) < month_index(_end(other_end))
            and month_index(other_start) < month_index(_end(end)))


def _gaps(lines: list[ResumeLine]) -> list[Gap]:
    gaps = []
    reached = None  # the last month covered so far
    for line in lines:
        start = month_index(line.start)
        if reached is not None and start > reached + 1:
            gaps.append(Gap(first=_month_from_index(reached + 1), last=_month_from_index(start - 1)))
        end = month_index(_end(line.end))
        reached = end if reached is None else max(reached, end)
    return gaps
