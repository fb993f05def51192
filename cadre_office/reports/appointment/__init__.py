"""干部任免审批表 (the appointment and removal approval form): its content, PDF, Word and LRMX files, and the import."""
