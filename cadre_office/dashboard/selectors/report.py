"""The bureau's figures of a snapshot as docs/roster-format.md's JSON (the compute_dashboard command)."""




from cadre_office.dashboard.models import Figure, Snapshot, Target, TargetCode


def _value(numerator: int, denominator: int | None) -> float | None:
    if not denominator:
        return None
    return numerator / denominator


def _goal(target: Target | None) -> float | int | None:
    if target is None or target.goal is None:
        return None
    return int(target.goal) if target.kind == Target.Kind.COUNT else float(target.goal)


def _met(value, numerator, goal, kind) -> bool | None:
    if goal is None:
        return None
    if kind == Target.Kind.COUNT:
        return numerator >= goal
    if value is None:
        return None
    return value >= goal


def snapshot_report(snapshot: Snapshot) -> dict:
    """The bureau's figures as docs/roster-format.md's JSON object (every code, in the plan's order)."""
    targets = {t.code: t for t in snapshot.plan.targets.all()}
    figures = {f.code: f for f in Figure.objects.filter(snapshot=snapshot, department__isnull=True)}
    rows = []
    for code in _ordered_codes(targets):
        figure, target = figures.get(code), targets.get(code)
        numerator = figure.numerator if figure else 0
        denominator = figure.denominator if figure else None
        value = _value(numerator, denominator)
        goal = _goal(target)
        kind = target.kind if target else (Target.Kind.RATIO if denominator is not None else Target.Kind.COUNT)
        rows.append({"code": code, "numerator": numerator, "denominator": denominator, "value": value,
                     "target": goal, "met": _met(value, numerator, goal, kind)})
    return {"as_of": snapshot.as_of.isoformat(), "targets": rows}


def _ordered_codes(targets: dict) -> list[str]:

    ordered = [t.code for t in sorted(targets.values(), key=lambda t: (t.sort_order, t.pk))]
    return ordered + [code for code in TargetCode.values if code not in targets]
