"""The default sixteen-step template (十六步工作法, docs/selection.md), editable as data afterwards."""

from django.db import migrations

STEPS = [
    # number, name, kind, actor, deciding role, required records, rule
    (1, "分析研判", "record", "人事部门", "", ["分析研判报告"], ""),
    (2, "提出动议", "gate", "人事部门→主要负责人", "局领导", ["动议材料", "初步建议"], ""),
    (3, "酝酿并形成工作方案", "gate", "党组", "局领导", ["工作方案", "会议纪要"], ""),
    (4, "资格审查与档案初审", "gate", "人事部门", "局领导", ["资格审查表"], "veto"),
    (5, "谈话调研推荐", "record", "人事部门", "", ["谈话推荐记录"], ""),
    (6, "会议推荐", "record", "人事部门", "", ["推荐票", "计票结果"], "recommendation_vote"),
    (7, "确定考察对象", "gate", "党组", "局领导", ["考察对象名单", "负面清单核查"], "candidates"),
    (8, "考察预告", "record", "考察组", "", ["考察预告"], "inspection_notice"),
    (9, "组织考察", "record", "考察组", "", ["个别谈话记录", "民主测评", "考察报告"], ""),
    (10, "干部人事档案审核", "gate", "档案管理部门", "人事干部", ["档案审核表"], "veto"),
    (11, "个人有关事项报告查核", "gate", "人事部门", "人事干部", ["查核结果"], "veto"),
    (12, "征求纪检监察意见、核查信访", "gate", "纪检监察", "纪检监察", ["廉政意见", "信访核查情况"], "veto"),
    (13, "党组讨论决定", "gate", "党组", "局领导", ["会议纪要", "表决结果"], "decision_vote"),
    (14, "任前公示", "gate", "人事部门", "局领导", ["公示通知", "公示结果"], "publicity"),
    (15, "任职", "record", "党组、人事部门", "", ["任职文件", "任职谈话记录", "报区委备案"], "appointment"),
    (16, "试用期满考核", "gate", "人事部门", "局领导", ["试用期考核材料"], "probation"),
]


def create_template(apps, schema_editor):
    WorkflowTemplate = apps.get_model("selection", "WorkflowTemplate")
    StepDefinition = apps.get_model("selection", "StepDefinition")
    template = WorkflowTemplate.objects.create(name="科级干部选拔任用十六步工作法", version=1, is_current=True)
    StepDefinition.objects.bulk_create(
        StepDefinition(template=template, number=number, name=name, kind=kind, actor=actor, decided_by_role=role,
                       required_records=records, rule=rule)
        for number, name, kind, actor, role, records, rule in STEPS
    )


def remove_template(apps, schema_editor):
    apps.get_model("selection", "WorkflowTemplate").objects.filter(name="科级干部选拔任用十六步工作法").delete()


class Migration(migrations.Migration):
    dependencies = [("selection", "0001_initial")]

    operations = [migrations.RunPython(create_template, remove_template)]
