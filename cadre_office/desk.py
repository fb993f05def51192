"""The 工作台 (to-do desk): what each user has to do today, gathered from every app.

Each app registers a provider here from its ``AppConfig.ready``; the desk page (``HomeView``) and
the counts in the navigation call every provider for the signed-in user. A provider returns the
``Task`` lines that are this user's (it checks the user's permissions and scope itself, and returns
nothing for a user it does not concern), each a count with the page that lists exactly those
items, at a fixed number of queries (one or two per provider, never one per item).

Providers: selection (returned steps, gates awaiting a decision, 公示 and probation ending),
the roster (retirements overdue), oversight (grids not complete, talks and filings due, flags to
review, points to approve) and training.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    """One line of the desk: ``count`` things of a kind to do, listed at ``url``.

    ``area`` groups lines on the page (选拔任用, 日常监督, 干部名册, 教育培养); ``tone`` is ``danger`` for
    what is overdue, ``warning`` for what is due soon, ``primary`` otherwise. ``nav`` names the
    navigation entry whose badge adds this count (``oversight``, ``selection`` …), or "".
    ``info`` marks a line that is worth knowing but not a to-do today (cadres who could be rotated, how
    far the year's talk plan or training hours have come): the desk shows it, the badges leave it out.
    """

    area: str
    title: str
    count: int
    url: str
    tone: str = "primary"
    hint: str = ""
    nav: str = ""
    info: bool = False


Provider = Callable[..., list[Task]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider ``provider(*, user, today) -> list[Task]`` (once); usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tasks_for(user, *, today: dt.date) -> list[Task]:
    """Return every provider's tasks for ``user`` that have something to do (count above zero)."""
    return [task for provider in _providers for task in provider(user=user, today=today) if task.count]


# --- the navigation's counts -------------------------------------------------------------------------

SESSION_KEY = "desk_nav"
# The desk recounts (``HomeView``); every other page shows the counts of the last visit to the desk,
# read from the session without a query, so no page pays for every app's counts on each request.


def nav_counts(tasks: list[Task]) -> dict[str, int]:
    """Return the badges of the navigation: each ``nav`` key's sum, and ``total`` of every line."""
    counts: dict[str, int] = {"total": sum(task.count for task in tasks if not task.info)}
    for task in tasks:
        if task.nav and not task.info:
            counts[task.nav] = counts.get(task.nav, 0) + task.count
    return counts


def remember(session, tasks: list[Task]) -> dict[str, int]:
    """Store the counts of ``tasks`` in the session for the navigation of later pages; return them."""
    counts = nav_counts(tasks)
    if session.get(SESSION_KEY) != counts:
        session[SESSION_KEY] = counts
    return counts
