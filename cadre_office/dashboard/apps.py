from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "cadre_office.dashboard"
    label = "dashboard"
    verbose_name = "结构看板"

    def ready(self):
        from cadre_office.dashboard import tasks
        from cadres import events

        # A roster import changes today's figures: recompute them once the import commits.
        events.roster_changed.register(tasks.snapshot_recompute_queue)
