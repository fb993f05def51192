"""The selection workflow (十六步工作法): templates as data, cases, candidates and the trail of each step.

A template is an ordered list of step definitions (name, record or gate, who decides, the
records it needs, the rule it enforces). A case keeps the template version it started
with, so editing the template or making a new version never changes a running case.
Every state below is changed only by the services of ``selection.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadres.codes import LeadershipLevel


class WorkflowTemplate(models.Model):
    """A version of the selection procedure; the bureau edits it or makes a new version without code."""

    name = models.CharField("名称", max_length=100)
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_current = models.BooleanField("新建工作时使用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "选拔任用流程模板"
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="template_unique_version"),
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                    name="template_one_current"),
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"


class StepDefinition(models.Model):
    """One step of a template: what it is called, whether it is a gate, who decides, what it needs."""

    class Kind(models.TextChoices):
        RECORD = "record", "记录"
        GATE = "gate", "审批关口"

    class MissingMaterials(models.TextChoices):
        """What a missing required record does to submitting the step (and, at a gate, to approving it)."""

        CONFIRM = "confirm", "说明原因后可继续"
        BLOCK = "block", "须先上传，不能继续"

    class Rule(models.TextChoices):
        """The rule of docs/selection.md that a step enforces, if any."""

        NONE = "", "无"
        RECOMMENDATION_VOTE = "recommendation_vote", "会议推荐（到会≥应到2/3）"
        CANDIDATES = "candidates", "确定考察对象（人选多于职数、负面清单）"
        INSPECTION_NOTICE = "inspection_notice", "考察预告（提前1—3个工作日）"
        VETO = "veto", "可否决人选"
        DECISION_VOTE = "decision_vote", "党组讨论决定（到会≥2/3、同意过应到半数）"
        PUBLICITY = "publicity", "任前公示（≥5个工作日）"
        APPOINTMENT = "appointment", "任职（写入任职记录）"
        PROBATION = "probation", "试用期满考核（一年）"

    template = models.ForeignKey(WorkflowTemplate, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("类别", max_length=6, choices=Kind.choices, default=Kind.RECORD)
    actor = models.CharField("承办", max_length=60, blank=True, help_text="如：人事部门、党组、考察组")
    decided_by_role = models.CharField("审批角色", max_length=20, blank=True,
                                       help_text="关口由哪个角色审批（如 局领导、纪检监察）；记录类步骤留空")
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="指定审批人", blank=True,
                                       related_name="+")
    required_records = models.JSONField("须有的材料", default=list, blank=True,
                                        help_text="每项材料的名称，如 [\"分析研判报告\"]")
    missing_materials = models.CharField(
        "缺少材料时", max_length=8, choices=MissingMaterials.choices, default=MissingMaterials.CONFIRM,
        help_text="须有的材料未上传时：说明原因后可提交（审批），原因记入办理记录和纪实表；或须先上传才能提交（审批）")
    opinion_required = models.BooleanField(
        "须填写意见", default=False,
        help_text="提交本步须填写办理意见；审批关口同意时也须填写审批意见")
    rule = models.CharField("规则", max_length=24, choices=Rule.choices, blank=True, default=Rule.NONE)
    history = HistoricalRecords(m2m_fields=[approvers])

    class Meta:
        verbose_name = verbose_name_plural = "流程步骤"
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="step_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def is_gate(self) -> bool:
        return self.kind == self.Kind.GATE

    @property
    def blocks_on_missing_materials(self) -> bool:
        return self.missing_materials == self.MissingMaterials.BLOCK


class SelectionCase(models.Model):
    """A selection and appointment (选拔任用工作): the post(s), the department, the method, the candidates."""

    class Method(models.TextChoices):
        INDIVIDUAL = "individual", "个别提拔"
        COMPETITIVE = "competitive", "竞争上岗"
        OPEN = "open", "公开选拔"
        TRANSFER = "transfer", "调任"

    class State(models.TextChoices):
        ACTIVE = "active", "进行中"
        PAUSED = "paused", "暂停"
        COMPLETED = "completed", "已完成"
        TERMINATED = "terminated", "已终止"

    number = models.CharField("工作编号", max_length=20, unique=True)
    title = models.CharField("事由", max_length=100)
    department = models.ForeignKey("cadres.Department", verbose_name="单位", on_delete=models.PROTECT,
                                   related_name="selection_cases")
    post_title = models.CharField("拟任职务", max_length=100)
    level = models.CharField("职务层次", max_length=2, choices=LeadershipLevel.choices)
    post_count = models.PositiveSmallIntegerField("职数", default=1)
    method = models.CharField("方式", max_length=12, choices=Method.choices, default=Method.INDIVIDUAL)
    template = models.ForeignKey(WorkflowTemplate, verbose_name="流程模板", on_delete=models.PROTECT,
                                 related_name="cases")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ACTIVE)
    current_step = models.PositiveSmallIntegerField("当前步骤", default=1)
    decided_on = models.DateField("党组决定日期", null=True, blank=True, help_text="任职和试用期从此日起算")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "选拔任用工作"
        ordering = ["-created_at"]
        constraints = [
            # One open case per post: a second one for the same post waits until the first ends.
            models.UniqueConstraint(
                fields=["department", "post_title"], condition=Q(state__in=["active", "paused"]),
                name="case_one_open_per_post",
            ),
        ]
        permissions = [
            ("run_selection", "办理选拔任用工作（提交各步骤）"),
            ("decide_selection", "审批选拔任用关口"),
            ("view_all_selection", "查看全局选拔任用工作"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class Candidate(models.Model):
    """A cadre considered in a case; a veto at steps 10–12 stops that candidate, not the case."""

    class State(models.TextChoices):
        ACTIVE = "active", "在选"
        DROPPED = "dropped", "未列入"
        VETOED = "vetoed", "否决"
        APPOINTED = "appointed", "已任职"
        CONFIRMED = "confirmed", "试用期满胜任"
        REMOVED = "removed", "试用期满不胜任"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="candidates")
    number = models.PositiveSmallIntegerField(
        "人选编号", help_text="在本次工作内从 1 起编号；表决票、考核结果按此编号填写")
    cadre = models.ForeignKey("cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT,
                              related_name="selection_candidacies")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.ACTIVE)
    stopped_at_step = models.PositiveSmallIntegerField("在第几步终止", null=True, blank=True)
    reason = models.CharField("说明", max_length=200, blank=True)
    appointment_reason = models.TextField(
        "任免理由", blank=True, max_length=500,
        help_text="写入干部任免审批表，如：经党组研究，拟任命为法规科副科长；未填写时表中留空")
    post = models.ForeignKey("cadres.PostAssignment", verbose_name="任职记录", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "人选"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "cadre"], name="candidate_once_per_case"),
            models.UniqueConstraint(fields=["case", "number"], name="candidate_unique_number"),
        ]

    def __str__(self):
        return f"{self.case.number} {self.cadre}"


class CaseStep(models.Model):
    """The state of one step of one case, with what it recorded (``data``: dates, tallies …)."""

    class State(models.TextChoices):
        WAITING = "waiting", "未开始"
        OPEN = "open", "办理中"
        SUBMITTED = "submitted", "待审批"
        RETURNED = "returned", "退回修改"
        DONE = "done", "已完成"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="steps")
    definition = models.ForeignKey(StepDefinition, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("序号")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.WAITING)
    data = models.JSONField("记录内容", default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "步骤办理情况"
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="case_step_unique_number")]

    def __str__(self):
        return f"{self.case.number} 第{self.number}步 {self.get_state_display()}"


class StepEvent(models.Model):
    """One entry of a case's trail: who did what at which step, when, with which opinion (append-only)."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交"
        APPROVE = "approve", "同意"
        RETURN = "return", "退回修改"
        VETO = "veto", "否决人选"
        RECORD = "record", "记录"
        PAUSE = "pause", "暂停"
        RESUME = "resume", "恢复"
        TERMINATE = "terminate", "终止"

    case = models.ForeignKey(SelectionCase, on_delete=models.CASCADE, related_name="events")
    step = models.ForeignKey(CaseStep, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    candidate = models.ForeignKey(Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    opinion = models.TextField("意见", blank=True)
    # A submission or approval made while required records were missing: which, and the reason given.
    missing_records = models.JSONField("缺少的材料", default=list, blank=True)
    missing_reason = models.TextField("缺少材料的原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    """One member's vote at a meeting (推荐 at step 6, 讨论决定 at step 13), per candidate."""

    class Choice(models.TextChoices):
        AGREE = "agree", "同意"
        DISAGREE = "disagree", "不同意"
        DEFER = "defer", "缓议"

    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="votes")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="votes")
    member = models.CharField("成员", max_length=50)
    choice = models.CharField("表决", max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = verbose_name_plural = "表决"
        constraints = [models.UniqueConstraint(fields=["step", "candidate", "member"], name="vote_once")]

    def __str__(self):
        return f"{self.member} {self.get_choice_display()}"


class StepAttachment(models.Model):
    """A document recorded at a step (minutes, notices, reports); served only through permission checks."""

    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="attachments")
    record_name = models.CharField("材料", max_length=60)
    file = models.FileField("文件", upload_to="selection/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "步骤材料"
        ordering = ["step", "uploaded_at"]

    def __str__(self):
        return self.record_name
