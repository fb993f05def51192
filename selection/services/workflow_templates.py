"""Editing the selection workflow template as data: its steps, and new versions of it.

A case keeps the template version it started with (``SelectionCase.template``), and its
steps point at that version's step definitions. So a version that a case uses is frozen:

- The current version may be edited in place only while no case uses it (typically a
  version just made with ``template_new_version``, or the default before the first case).
- Once a case uses it, an edit is refused; the bureau makes a new version ("新建版本"),
  which copies every step and becomes the only current one, and edits that. New cases
  start on the new version; running cases go on with the old one, unchanged.
- Versions that are no longer current are history and are never edited.

What may be edited: a step's name, who handles it (承办), the deciding role, the named
approvers, the records it needs, what a missing record does (block, or confirm with a reason)
and whether an opinion is required. A step's kind (record or gate) and its rule are code
(``selection.rules``), so they are shown but not edited here.

A gate's deciding role is never the role that submits the steps (人事干部): nobody approves their
own submission, so in a bureau with one 人事干部 such a gate could never be passed. A personnel
officer who decides (人事部门负责人) is named as an approver instead.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from cadre_office.accounts.roles import ADMIN_ROLES, ROLE_PERMISSIONS, Role
from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from selection import messages
from selection.models import StepDefinition, WorkflowTemplate
from selection.permissions import RUN
from selection.selectors import template_in_use

# The roles that submit the steps: they cannot also be a gate's deciding role.
SUBMITTING_ROLES = [role for role in Role if RUN in ROLE_PERMISSIONS.get(role, ())]
# The roles that may decide a gate: neither the three administrators (who hold no selection data) nor
# the submitting roles.
DECIDING_ROLES = [role for role in Role if role not in ADMIN_ROLES and role not in SUBMITTING_ROLES]
# Who may be named an approver: anyone but the administrators (a 人事干部 who heads the office too).
APPROVER_ROLES = [role for role in Role if role not in ADMIN_ROLES]


@transaction.atomic
def template_new_version(*, actor, template: WorkflowTemplate) -> WorkflowTemplate:
    """Copy ``template`` with all its steps (and approvers) into the next version and make it current.

    The next version is one past the highest version of the same name, so copying an old
    version never collides. Every other template stops being current first (one current
    template, by constraint). History on every row, one audit row for the new version.
    """
    template = WorkflowTemplate.objects.select_for_update().get(pk=template.pk)
    latest = WorkflowTemplate.objects.filter(name=template.name).aggregate(v=Max("version"))["v"] or 0
    for previous in WorkflowTemplate.objects.select_for_update().filter(is_current=True):
        previous.is_current = False
        tracked_save(previous, actor=actor, reason="新建版本，停用旧版本", update_fields=["is_current"],
                     clean=False)
    new = WorkflowTemplate(name=template.name, version=latest + 1, is_current=True)
    tracked_save(new, actor=actor, reason=f"由第{template.version}版新建版本")
    for step in template.steps.order_by("number").prefetch_related("approvers"):
        copy = StepDefinition(template=new, number=step.number, name=step.name, kind=step.kind, actor=step.actor,
                              decided_by_role=step.decided_by_role, required_records=list(step.required_records),
                              missing_materials=step.missing_materials, opinion_required=step.opinion_required,
                              rule=step.rule)
        tracked_save(copy, actor=actor, reason=f"由第{template.version}版新建版本", clean=False)
        approvers = list(step.approvers.all())
        if approvers:
            _set_approvers_quietly(copy, approvers)
            # One more history row so the copy's history shows its approvers.
            tracked_save(copy, actor=actor, reason="复制指定审批人", clean=False)
    audit_record(Event.CREATE, actor=actor, obj=new,
                 detail={"from_version": template.version, "version": new.version,
                         "steps": new.steps.count()})
    return new


def _set_approvers_quietly(step: StepDefinition, approvers) -> None:
    """Set the approvers without the m2m signal's own history row; the caller's save records them."""
    step.skip_history_when_saving = True
    try:
        step.approvers.set(approvers)
    finally:
        del step.skip_history_when_saving


def _clean_records(required_records) -> list[str]:
    names, errors = [], []
    for raw in required_records:
        name = (raw or "").strip()
        if not name:
            errors.append(messages.STEP_RECORD_NAME_BLANK)
        elif len(name) > 60:
            errors.append(messages.STEP_RECORD_NAME_TOO_LONG.format(name=name))
        elif name in names:
            errors.append(messages.STEP_RECORD_NAME_DUPLICATE.format(name=name))
        else:
            names.append(name)
    if errors:
        raise ValidationError({"required_records": sorted(set(errors), key=errors.index)})
    return names


@transaction.atomic
def step_definition_update(*, actor, step: StepDefinition, name: str, actor_text: str, decided_by_role: str,
                           approvers, required_records, missing_materials: str | None = None,
                           opinion_required: bool | None = None) -> StepDefinition:
    """Change one step of the current template, if no case uses that template yet (see the module).

    ``actor_text`` is the 承办 field (``StepDefinition.actor``); ``approvers`` are users;
    ``required_records`` a list of record names; ``missing_materials`` and ``opinion_required``
    (left as they are when None) what a missing record does and whether an opinion is required.
    Refused (``ValidationError``, in Chinese) when the template is not current or a case uses it,
    when the role is not a deciding role (a submitting role never is), when a record name is
    blank, duplicated or too long, or when a gate would have neither a deciding role nor an
    approver. One history row and one audit row per edit.
    """
    step = StepDefinition.objects.select_for_update().select_related("template").get(pk=step.pk)
    template = WorkflowTemplate.objects.select_for_update().get(pk=step.template_id)
    if not template.is_current:
        raise ValidationError(messages.TEMPLATE_NOT_CURRENT.format(version=template.version),
                              code="template_not_current")
    used = template_in_use(template)
    if used:
        raise ValidationError(messages.TEMPLATE_IN_USE.format(version=template.version, count=used),
                              code="template_in_use")

    name, actor_text, decided_by_role = (name or "").strip(), (actor_text or "").strip(), decided_by_role or ""
    approvers = list(approvers or [])
    missing_materials = missing_materials or step.missing_materials
    opinion_required = step.opinion_required if opinion_required is None else bool(opinion_required)
    errors = {}
    if not name:
        errors["name"] = [messages.STEP_NAME_REQUIRED]
    if decided_by_role in SUBMITTING_ROLES:
        errors["decided_by_role"] = [messages.ROLE_SUBMITS.format(role=decided_by_role)]
    elif decided_by_role and decided_by_role not in DECIDING_ROLES:
        errors["decided_by_role"] = [messages.BAD_ROLE.format(role=decided_by_role)]
    if missing_materials not in StepDefinition.MissingMaterials.values:
        errors["missing_materials"] = [messages.BAD_MISSING_MATERIALS]
    inactive = [user for user in approvers if not user.is_active]
    if inactive:
        errors["approvers"] = [messages.APPROVER_INACTIVE.format(name=user.get_full_name() or user.get_username())
                               for user in inactive]
    try:
        records = _clean_records(required_records or [])
    except ValidationError as exc:
        errors.update(exc.message_dict)
        records = []
    if step.is_gate and not decided_by_role and not approvers:
        errors["__all__"] = [messages.GATE_NEEDS_DECIDER]
    if errors:
        raise ValidationError(errors)

    before = {"name": step.name, "actor": step.actor, "decided_by_role": step.decided_by_role,
              "approvers": sorted(step.approvers.values_list("username", flat=True)),
              "required_records": list(step.required_records), "missing_materials": step.missing_materials,
              "opinion_required": step.opinion_required}
    step.name, step.actor, step.decided_by_role, step.required_records = name, actor_text, decided_by_role, records
    step.missing_materials, step.opinion_required = missing_materials, opinion_required
    _set_approvers_quietly(step, approvers)
    tracked_save(step, actor=actor, reason="修改流程步骤")
    after = {"name": step.name, "actor": step.actor, "decided_by_role": step.decided_by_role,
             "approvers": sorted(user.get_username() for user in approvers), "required_records": records,
             "missing_materials": missing_materials, "opinion_required": opinion_required}
    changes = {key: {"from": before[key], "to": after[key]} for key in before if before[key] != after[key]}
    audit_record(Event.UPDATE, actor=actor, obj=step,
                 detail={"template": str(template), "number": step.number, "changes": changes})
    return step
