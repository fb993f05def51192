from selection.models.calendar import CalendarDay, CalendarYear  # noqa: F401
from selection.models.workflow import (  # noqa: F401
    Candidate,
    CaseStep,
    SelectionCase,
    StepAttachment,
    StepDefinition,
    StepEvent,
    Vote,
    WorkflowTemplate,
)
