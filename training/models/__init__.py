"""Training models (教育培养), one module per subject.

- ``settings``: the one row of training's settings (hours a year, rotation years, the young-cadre round's
  defaults, reminder windows).
- ``programmes``: 理论培训: programmes and each cadre's enrolment, attendance and credited hours.
- ``practice``: 实践锻炼 placements and 岗位交流 (rotation) plans.
- ``young``: the yearly young-cadre round (年轻干部选育), its nominations and the reserve pool (后备/储备).
- ``plans``: 个人培养计划 for each pool member: gaps, goals, planned items linked to 1–3, reviews.
"""

from training.models.plans import DevelopmentPlan, PlanGap, PlanGoal, PlanItem, PlanReview
from training.models.practice import PracticePlacement, RotationPlan
from training.models.programmes import CadreYearHours, Enrolment, TrainingProgramme
from training.models.settings import TrainingSettings
from training.models.young import Nomination, PoolMember, YoungCadreRound

__all__ = ["CadreYearHours", "DevelopmentPlan", "Enrolment", "Nomination", "PlanGap", "PlanGoal", "PlanItem",
           "PlanReview", "PoolMember", "PracticePlacement", "RotationPlan", "TrainingProgramme", "TrainingSettings",
           "YoungCadreRound"]
