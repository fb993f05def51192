"""The selection pages, by subject: cases (the list, the case page and its actions), new_case (新建 and its
candidate picker), inbox (待我审批, 待办), workflow_templates (流程模板) and calendar (节假日安排)."""
