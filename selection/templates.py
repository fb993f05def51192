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
approvers and the records it needs. A step's kind (record or gate) and its rule are code
(``selection.rules``), so they are shown but not edited here.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from cadre_office.accounts.roles import ADMIN_ROLES, Role
from cadre_office.audit.services import Event, audit_record
from cadre_office.history import tracked_save
from selection.models import StepDefinition, WorkflowTemplate

# The roles that may decide a gate: every role but the three administrators (who hold no selection data).
DECIDING_ROLES = [role for role in Role if role not in ADMIN_ROLES]

TEMPLATE_IN_USE = "该流程模板（第{version}版）已有{count}项选拔任用工作使用，不能直接修改；请先“新建版本”，再修改新版本"
TEMPLATE_NOT_CURRENT = "只能修改新建工作使用的当前版本（第{version}版不是当前版本）"
NAME_REQUIRED = "请填写步骤名称"
BAD_ROLE = "“{role}”不是可以审批的角色"
RECORD_NAME_BLANK = "材料名称不能为空"
RECORD_NAME_TOO_LONG = "材料名称不能超过60个字：{name}"
RECORD_NAME_DUPLICATE = "材料名称重复：{name}"
GATE_NEEDS_DECIDER = "审批关口须指定审批角色或审批人"
APPROVER_INACTIVE = "审批人{name}的账号已停用"


def template_in_use(template: WorkflowTemplate) -> int:
    """How many cases (of any state) use ``template``."""
    return template.cases.count()


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
            errors.append(RECORD_NAME_BLANK)
        elif len(name) > 60:
            errors.append(RECORD_NAME_TOO_LONG.format(name=name))
        elif name in names:
            errors.append(RECORD_NAME_DUPLICATE.format(name=name))
        else:
            names.append(name)
    if errors:
        raise ValidationError({"required_records": sorted(set(errors), key=errors.index)})
    return names


@transaction.atomic
def step_definition_update(*, actor, step: StepDefinition, name: str, actor_text: str, decided_by_role: str,
                           approvers, required_records) -> StepDefinition:
    """Change one step of the current template, if no case uses that template yet (see the module).

    ``actor_text`` is the 承办 field (``StepDefinition.actor``); ``approvers`` are users;
    ``required_records`` a list of record names. Refused (``ValidationError``, in Chinese)
    when the template is not current or a case uses it, when the role is not a deciding
    role, when a record name is blank, duplicated or too long, or when a gate would have
    neither a deciding role nor an approver. One history row and one audit row per edit.
    """
    step = StepDefinition.objects.select_for_update().select_related("template").get(pk=step.pk)
    template = WorkflowTemplate.objects.select_for_update().get(pk=step.template_id)
    if not template.is_current:
        raise ValidationError(TEMPLATE_NOT_CURRENT.format(version=template.version), code="template_not_current")
    used = template_in_use(template)
    if used:
        raise ValidationError(TEMPLATE_IN_USE.format(version=template.version, count=used), code="template_in_use")

    name, actor_text, decided_by_role = (name or "").strip(), (actor_text or "").strip(), decided_by_role or ""
    approvers = list(approvers or [])
    errors = {}
    if not name:
        errors["name"] = [NAME_REQUIRED]
    if decided_by_role and decided_by_role not in DECIDING_ROLES:
        errors["decided_by_role"] = [BAD_ROLE.format(role=decided_by_role)]
    inactive = [user for user in approvers if not user.is_active]
    if inactive:
        errors["approvers"] = [APPROVER_INACTIVE.format(name=user.get_full_name() or user.get_username())
                               for user in inactive]
    try:
        records = _clean_records(required_records or [])
    except ValidationError as exc:
        errors.update(exc.message_dict)
        records = []
    if step.is_gate and not decided_by_role and not approvers:
        errors["__all__"] = [GATE_NEEDS_DECIDER]
    if errors:
        raise ValidationError(errors)

    before = {"name": step.name, "actor": step.actor, "decided_by_role": step.decided_by_role,
              "approvers": sorted(step.approvers.values_list("username", flat=True)),
              "required_records": list(step.required_records)}
    step.name, step.actor, step.decided_by_role, step.required_records = name, actor_text, decided_by_role, records
    _set_approvers_quietly(step, approvers)
    tracked_save(step, actor=actor, reason="修改流程步骤")
    after = {"name": step.name, "actor": step.actor, "decided_by_role": step.decided_by_role,
             "approvers": sorted(user.get_username() for user in approvers), "required_records": records}
    changes = {key: {"from": before[key], "to": after[key]} for key in before if before[key] != after[key]}
    audit_record(Event.UPDATE, actor=actor, obj=step,
                 detail={"template": str(template), "number": step.number, "changes": changes})
    return step
