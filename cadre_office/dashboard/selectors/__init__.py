"""Reads of the dashboard: stored figures for the user's scope, trends, and the cadres behind a figure."""

from cadre_office.dashboard.selectors.briefing import Briefing, BriefingCard, briefing
from cadre_office.dashboard.selectors.cards import *  # noqa: F403
from cadre_office.dashboard.selectors.cards import __all__ as _cards
from cadre_office.dashboard.selectors.drilldown import drilldown_cadres, has_part, part_label
from cadre_office.dashboard.selectors.jobs import PENDING_JOB_WINDOW, pending_job, recompute_jobs_visible_to
from cadre_office.dashboard.selectors.report import snapshot_report

__all__ = [*_cards, "PENDING_JOB_WINDOW", "Briefing", "BriefingCard", "briefing", "drilldown_cadres", "has_part",
           "part_label", "pending_job", "recompute_jobs_visible_to", "snapshot_report"]
