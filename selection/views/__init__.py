"""The selection pages, by subject: cases (list, new, the case page and its actions), inbox (待我审批, 待办),
workflow_templates (流程模板) and calendar (节假日安排)."""
