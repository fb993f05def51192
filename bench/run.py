"""The benchmark: `make bench [N=100000]` (README).

Loads N cadres into a PostgreSQL database of its own, then measures, several runs each
(median and spread), the code paths users hit, each against a baseline measured in the
same run:

- the dashboard computation for one date, against one hand-written SQL statement computing
  the same figures (the figures must agree);
- the roster page through the Django test client (the whole request: middleware, view,
  template): a filtered page of 50 rows and the unfiltered first page, with query counts;
- the scoped roster of a department head (guardian grants on departments);
- 全程记实: one cadre's timeline page (target 150 ms), its query count against a cadre with few entries;
- 教育培养: the training hours table by unit over 10 enrolments per cadre (target 500 ms), this year and last,
  as personnel staff and as a department head, with the same query count;
- 干部任免审批表: one cadre's form as a PDF through the view (target 1 s), its query count against a quiet cadre;
- 月度报表: last month's report of the whole bureau, Excel and PDF as the Celery job builds them, three
  builds each in a fresh child (target 60 s and 500 MB peak memory);
- the 职数 overview (post quotas against occupancy on a day, every unit), its target (150 ms) and its
  query count, the same for the whole bureau and for a department head's six units;
- the Excel export of the full roster, time and peak memory, against openpyxl write-only
  writing the same rows from one plain query;
- importing a 10,000-row workbook through the import command's code path;
- concurrent use: gunicorn under production settings with 20 signed-in sessions clicking through
  roster pages, records, the dashboard and the inbox for 30 s (``bench/concurrency.py``).

It prints a table and writes it to bench/RESULTS.md with the machine, date and commit.
"""

import argparse
import datetime as dt
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _prepare_environment(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_office.settings")
    os.environ["DEBUG"] = "false"  # as in production: no query log kept by Django
    # A Redis database of its own: the import queues a dashboard recompute, which a
    # developer's worker on database 0 must never pick up against its own database.
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def _recreate_database(database_url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(database_url)
    if db["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("make bench 需要 PostgreSQL（BENCH_DATABASE_URL 须为 postgres://…）")
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                         password=db["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


# --- timing helpers ---------------------------------------------------------------------------------


def measure(fn, runs: int, warmup: int = 1):
    """Return (median, min, max) seconds of ``fn()`` over ``runs`` runs after ``warmup`` ones, and its last result."""
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times), result


def measure_pair(fn_a, fn_b, runs: int, warmup: int = 1):
    """Measure two functions taking turns (a, b, a, b …), so that a change in the machine's speed
    during the run (other load, memory compaction) weighs on both alike; return two ``measure`` results."""
    results = [None, None]
    for _ in range(warmup):
        results = [fn_a(), fn_b()]
    times = ([], [])
    for _ in range(runs):
        for index, fn in enumerate((fn_a, fn_b)):
            start = time.perf_counter()
            results[index] = fn()
            times[index].append(time.perf_counter() - start)
    return tuple((statistics.median(t), min(t), max(t), r) for t, r in zip(times, results, strict=True))


def in_child(fn):
    """Run ``fn`` in a forked child; return (its result, its peak RSS in MB, the RSS it started with)."""
    import multiprocessing

    from django.db import connections

    # Close before forking: a child closing a shared connection would end the parent's too.
    for connection in connections.all():
        connection.close()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()

    def target():
        start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        value = fn()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        child.send((value, peak / 1024, start_rss / 1024))
        child.close()

    process = context.Process(target=target)
    process.start()
    value = parent.recv()
    process.join()
    return value


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def spread(result) -> str:
    median, low, high, _ = result
    return f"{ms(median)} ({ms(low)}–{ms(high)})"


# --- the measurements -------------------------------------------------------------------------------


HAND_SQL = """
WITH section AS (           -- the 正科/副科 post each cadre holds on D (正科 wins)
    SELECT cadre_id, MIN(level) AS level
    FROM cadres_postassignment
    WHERE level IN ('51', '52') AND start_date <= %(d)s AND (end_date IS NULL OR end_date >= %(d)s)
    GROUP BY cadre_id
), bachelor AS (            -- completed full-time 本科 or above, obtained by D
    SELECT DISTINCT cadre_id
    FROM cadres_education
    WHERE kind = 'fulltime' AND level IN ('11', '14', '17', '21')
      AND (graduation_date IS NULL OR graduation_date <= %(d)s)
)
SELECT
    COUNT(*) FILTER (WHERE s.level = '51' AND c.birth_date > %(b40)s),
    COUNT(*) FILTER (WHERE s.level = '51'),
    COUNT(*) FILTER (WHERE s.level = '52' AND c.birth_date > %(b40)s),
    COUNT(*) FILTER (WHERE s.level = '52'),
    COUNT(*) FILTER (WHERE s.level = '51' AND c.birth_date > %(b40)s AND b.cadre_id IS NOT NULL),
    COUNT(*) FILTER (WHERE s.level = '52' AND c.birth_date > %(b40)s AND b.cadre_id IS NOT NULL),
    COUNT(*) FILTER (WHERE c.gender = '2'),
    COUNT(*) FILTER (WHERE c.political_status NOT IN ('01', '02')),
    COUNT(*) FILTER (WHERE c.ethnicity <> '01'),
    COUNT(*),
    COUNT(*) FILTER (WHERE s.level = '51' AND c.birth_date > %(b32)s)
FROM cadres_cadre c
JOIN section s ON s.cadre_id = c.id
LEFT JOIN bachelor b ON b.cadre_id = c.id
WHERE c.status = 'active' OR c.status_date > %(d)s
"""


def dashboard_figures(day):
    from cadre_office.dashboard import figures
    from cadre_office.dashboard.services import plan_for, target_params

    plan = plan_for(day)
    return figures.bureau_counts(day, target_params(plan), plan.end_date)


def hand_sql_figures(day):
    from django.db import connection

    from cadre_office.dates import latest_birth_date_for_age

    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, {"d": day, "b40": latest_birth_date_for_age(day, 41),
                                  "b32": latest_birth_date_for_age(day, 33)})
        return cursor.fetchone()


def figures_agree(orm, hand) -> bool:
    zk_n, zk_d, fk_n, fk_d, zkb_n, fkb_n, female, non_party, minority, total, reserve = hand
    return (
        (orm["zk_under40"].numerator, orm["zk_under40"].denominator) == (zk_n, zk_d)
        and (orm["fk_under40"].numerator, orm["fk_under40"].denominator) == (fk_n, fk_d)
        and (orm["zk_under40_bachelor"].numerator, orm["zk_under40_bachelor"].denominator) == (zkb_n, zk_n)
        and (orm["fk_under40_bachelor"].numerator, orm["fk_under40_bachelor"].denominator) == (fkb_n, fk_n)
        and (orm["female"].numerator, orm["female"].denominator) == (female, total)
        and orm["non_party"].numerator == non_party and orm["minority"].numerator == minority
        and orm["zk_around30"].numerator == reserve and orm["fk_total"].numerator == fk_d
    )


def signed_in_client(user):
    """Return a test client logged in as ``user`` past the TOTP step (人事干部 and 科室负责人 owe one)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="基准测试", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def page(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    with CaptureQueriesContext(connection) as queries:
        response = get()
    count = len(queries)  # now: every request start clears the connection's query log
    result = measure(get, runs=7)
    return result, count, response


def result_count(response) -> int:
    """The number of matching cadres the roster page shows (its 共 N 人)."""
    import re

    match = re.search(r'data-testid="result-count">([\d,]+)<', response.content.decode())
    return int(match.group(1).replace(",", "")) if match else -1


def export_through_the_view(client):
    response = client.get("/cadres/export/", {"status": "all"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return len(content)


RAW_EXPORT_SQL = """
SELECT c.name, c.gender, c.ethnicity, c.birth_date, c.id_number, c.political_status, c.party_join_date,
       c.work_start_date, ft.level, ft.degree, ft.school_major, pt.level, pt.degree, pt.school_major,
       d.name, c.current_post_title, c.current_level, c.current_post_start, c.current_rank, c.current_rank_start,
       c.status, c.native_place, c.birthplace, c.health, c.professional_title, c.remarks
FROM cadres_cadre c
JOIN cadres_department d ON d.id = c.department_id
LEFT JOIN LATERAL (SELECT level, degree, school_major FROM cadres_education e
                   WHERE e.cadre_id = c.id AND e.kind = 'fulltime' ORDER BY level LIMIT 1) ft ON TRUE
LEFT JOIN LATERAL (SELECT level, degree, school_major FROM cadres_education e
                   WHERE e.cadre_id = c.id AND e.kind = 'parttime' ORDER BY level LIMIT 1) pt ON TRUE
ORDER BY d.path, c.current_level, c.current_rank, c.birth_date, c.id
"""


def raw_openpyxl_export():
    """The baseline: one plain query, openpyxl write-only, the same rows and columns, no formatting."""
    from django.db import connection
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("干部花名册")
    from cadres.reports import RosterExport

    sheet.append([column.header for column in RosterExport(None, full_id=True).columns()])  # the same headers
    with connection.cursor() as cursor:
        cursor.execute(RAW_EXPORT_SQL)
        for number, row in enumerate(iter(lambda: cursor.fetchmany(2000), []), start=0):
            for offset, values in enumerate(row):
                sheet.append([number * 2000 + offset + 1, values[0], values[1], values[2], values[3], 0, *values[4:]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())


def build_import_workbook(rows: int, run: int) -> bytes:
    """A roster workbook of ``rows`` new cadres in the import format (distinct numbers per ``run``)."""
    import random

    from openpyxl import Workbook

    from bench.load import bench_id_number

    rng = random.Random(run)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["姓名", "性别", "民族", "出生日期", "身份证号", "政治面貌", "全日制学历", "全日制学位", "工作单位",
                  "现任职务", "职务层次", "任现职时间", "职级", "任现职级时间", "人员状态"])
    for n in range(rows):
        gender = "1" if n % 2 else "2"
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 30 * 365))
        zheng = n % 4 == 0
        sheet.append([f"导入{run}{n}", "男" if gender == "1" else "女", "汉族", birth,
                      bench_id_number(320000 + run * 1000, n, birth, gender), "中共党员", "大学本科毕业", "法学学士",
                      rng.choice(["办公室", "法规科", "综合执法大队一中队", "新设科室"]),
                      "科长" if zheng else "副科长", "乡科级正职" if zheng else "乡科级副职",
                      dt.date(2021, 3, 1), "三级主任科员", dt.date(2020, 6, 1), "在职"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_workbook(content: bytes) -> str:
    from django.core.management import call_command

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(content)
        handle.flush()
        out = io.StringIO()
        call_command("import_roster", handle.name, stdout=out)
    return out.getvalue().strip()


# --- the report -------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {system}, Python {platform.python_version()}"


def commit() -> str:
    # git is looked up on PATH on purpose: the benchmark runs wherever the developer's git is.
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S607
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!bench/RESULTS.md"], cwd=ROOT,  # noqa: S607
                               capture_output=True, text=True, check=True).stdout.strip()
        return sha + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="cadres to load (default 100,000)")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=20, help="signed-in sessions of the load row")
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cadre_office_bench")
    _prepare_environment(database_url)
    _recreate_database(database_url)

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench.load import bench_user, load_roster
    from cadre_office.celery import app as celery_app
    from cadres.models import Cadre, Department

    celery_app.conf.task_always_eager = False
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"==> 载入 {args.n:,} 名干部 …", flush=True)
    load_start = time.perf_counter()
    counts = load_roster(args.n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_seconds = time.perf_counter() - load_start
    print(f"    {counts}，用时 {load_seconds:.1f} s", flush=True)

    rows: list[tuple[str, str, str]] = []  # (measurement, result, baseline / note)
    day = timezone.localdate()

    # 1. The dashboard against hand-written SQL.
    orm, hand = measure_pair(lambda: dashboard_figures(day), lambda: hand_sql_figures(day), max(args.runs, 9))
    agree = figures_agree(orm[3], hand[3])
    ratio = orm[0] / hand[0]
    rows.append(("结构看板计算（全局，一个统计时点）", spread(orm),
                 f"手写 SQL {spread(hand)}；比值 {ratio:.2f}×；结果{'一致' if agree else '不一致！'}"))
    from cadre_office.dashboard.services import snapshot_compute

    snap = measure(lambda: snapshot_compute(as_of=day, source="bench"), max(3, args.runs // 2))
    rows.append(("结构看板快照（全局 + 各单位，含写入）", spread(snap), "夜间任务与 compute_dashboard 的完整路径"))

    # 2. The roster page, as personnel staff.
    staff = bench_user("bench_renshi", "人事干部")
    client = signed_in_client(staff)
    filtered, filtered_queries, response = page(client, "/cadres/?level=52&age_band=31-35&per_page=50")
    rows.append(("花名册：筛选后的一页 50 行", spread(filtered),
                 f"{filtered_queries} 次查询；匹配 {result_count(response):,} 人"))
    first, first_queries, response = page(client, "/cadres/")
    rows.append(("花名册：不筛选的第一页", spread(first),
                 f"{first_queries} 次查询；共 {result_count(response):,} 人"))

    # 3. The scoped roster of a department head (a unit with its five sub-units).
    unit = Department.objects.get(name="综合执法大队")
    head = bench_user("bench_keshi", "科室负责人", departments=[unit])
    head_client = signed_in_client(head)
    scoped, scoped_queries, response = page(head_client, "/cadres/")
    rows.append(("科室负责人的花名册（授权单位含下级）", spread(scoped),
                 f"{scoped_queries} 次查询；可见 {result_count(response):,} 人"))

    # 3b. The 职数 overview: every unit's quotas against occupancy today, as personnel staff and as the head.
    from bench.load import load_quotas

    quotas = load_quotas()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cadres_postquota")
    # The figures are kept per day and per state of the data (cadres.quotas): a repeated view reads them
    # from the cache (warm), the first view after any change computes them (cold). Both are measured;
    # the query counts are the cold ones, the bureau's and the head's alike.
    from django.core.cache import cache

    def cold_get():
        cache.clear()
        response = client.get("/cadres/quotas/")
        assert response.status_code == 200
        return response

    cold = measure(cold_get, runs=5)
    cache.clear()
    overview, overview_queries, _ = page(client, "/cadres/quotas/")
    units = Department.objects.count()
    cache.clear()
    _, head_queries, _ = page(head_client, "/cadres/quotas/")
    quota_ok = overview[0] < QUOTA_TARGET and overview_queries == head_queries
    rows.append(("职数情况（全部单位，当天；再次打开）", spread(overview),
                 f"目标 < {QUOTA_TARGET * 1000:.0f} ms：{'达标' if overview[0] < QUOTA_TARGET else '未达标！'}；"
                 f"数据变动后首次打开（重新计算）{spread(cold)}；"
                 f"{overview_queries} 次查询，科室负责人（6 个单位）{head_queries} 次"
                 f"{'，相同' if overview_queries == head_queries else '，不同！'}；{units} 个单位、"
                 f"{quotas} 条核定"))

    # 3b. 到龄退休 (issue 12): the first page, as personnel staff; the query count must not grow with the rows.
    due, due_queries, response = page(client, "/cadres/retirement/")
    due_24, due_24_queries, response_24 = page(client, "/cadres/retirement/?months=24&per_page=200")
    due_ok = due[0] < 0.150 and due_queries == due_24_queries
    rows.append(("到龄退休：第一页（今天起 12 个月，已超期在前）", spread(due),
                 f"{due_queries} 次查询；共 {result_count(response):,} 人；24 个月、每页 200 行："
                 f"{spread(due_24)}、{due_24_queries} 次查询（{result_count(response_24):,} 人）；"
                 f"目标 < 150 ms 且查询数不变：{'达到' if due_ok else '未达到！'}"))

    # 3c. 全程记实 (issue 13): the timeline of the cadre with the most posts, as personnel staff; the
    # same number of queries as for a cadre with few entries (each source answers in fixed queries).
    from django.db.models import Count

    busy = Cadre.objects.annotate(n=Count("posts")).order_by("-n", "pk").first()
    quiet = Cadre.objects.annotate(n=Count("posts")).order_by("n", "pk").first()
    timeline, timeline_queries, response_t = page(client, f"/oversight/cadres/{busy.pk}/timeline/")
    _, quiet_queries, _ = page(client, f"/oversight/cadres/{quiet.pk}/timeline/")
    entries = response_t.content.decode().count('data-testid="timeline-entry"')
    timeline_ok = timeline[0] < 0.150 and timeline_queries == quiet_queries
    rows.append(("全程记实：一名干部的时间轴", spread(timeline),
                 f"{entries} 条记录，{timeline_queries} 次查询；记录最少的干部 {quiet_queries} 次"
                 f"{'，相同' if timeline_queries == quiet_queries else '，不同！'}；"
                 f"目标 < 150 ms：{'达到' if timeline_ok else '未达到！'}"))

    # 3d. 教育培养 (issue 14): the training hours table by unit over 10 enrolments a cadre.
    training_row, training_ok = training_hours_case(client, head_client)
    rows.append(training_row)

    # 3e. 干部任免审批表 (issue 15): the PDF of the cadre with the most posts, through the view (the whole
    # request: the form's fixed queries, WeasyPrint, the audit row); the same queries as a cadre with few.
    form_pdf, form_queries, _ = page(client, f"/reports/appointment-forms/cadres/{busy.pk}/pdf/")
    _, form_quiet_queries, _ = page(client, f"/reports/appointment-forms/cadres/{quiet.pk}/pdf/")
    form_ok = form_pdf[0] < FORM_TARGET and form_queries == form_quiet_queries
    rows.append(("干部任免审批表：一名干部的 PDF", spread(form_pdf),
                 f"{form_queries} 次查询；记录最少的干部 {form_quiet_queries} 次"
                 f"{'，相同' if form_queries == form_quiet_queries else '，不同！'}；"
                 f"目标 < {FORM_TARGET * 1000:.0f} ms：{'达到' if form_ok else '未达到！'}"))

    # 3f. 月度报表 (issue 15): last month's report for the whole bureau, both files, in a fresh child (its
    # peak memory is the job's).
    report_rows, reports_ok = reports_case()
    rows.extend(report_rows)

    # 4. The Excel export of the full roster, and raw openpyxl on the same rows; each in a fresh child.
    total = Cadre.objects.count()
    view_runs, raw_runs = [], []
    for _ in range(3):
        view_runs.append(in_child(lambda: _timed(lambda: export_through_the_view(client))))
        raw_runs.append(in_child(lambda: _timed(raw_openpyxl_export)))
    view_time = statistics.median(r[0][0] for r in view_runs)
    raw_time = statistics.median(r[0][0] for r in raw_runs)
    view_peak = max(r[1] for r in view_runs)
    raw_peak = max(r[1] for r in raw_runs)
    rows.append((f"导出 Excel（全部 {total:,} 人）", f"{view_time:.2f} s，峰值内存 {view_peak:.0f} MB",
                 f"openpyxl 直接写同样的行 {raw_time:.2f} s、{raw_peak:.0f} MB；比值 {view_time / raw_time:.2f}×"))

    # 5. Importing a 10,000-row workbook (new cadres each run).
    import_times = []
    for run in range(1, 4):
        content = build_import_workbook(args.import_rows, run)
        start = time.perf_counter()
        message = import_workbook(content)
        import_times.append(time.perf_counter() - start)
    rows.append((f"导入 {args.import_rows:,} 行花名册", f"{statistics.median(import_times):.1f} s "
                 f"({min(import_times):.1f}–{max(import_times):.1f} s)", message))

    # 6. Concurrent use: gunicorn under production settings, people signed in at once.
    from bench.concurrency import measure_concurrent_use

    print(f"==> 并发：{args.sessions} 个会话 {args.load_seconds} 秒 …", flush=True)
    load = measure_concurrent_use(database_url, sessions=args.sessions, seconds=args.load_seconds)
    rows.append((f"并发使用：{load['sessions']} 个已登录会话 {load['seconds']:.0f} 秒（gunicorn -w 5，生产配置）",
                 f"{load['rps']:.1f} 请求/秒，p50 {load['p50_ms']:.0f} ms，p95 {load['p95_ms']:.0f} ms",
                 f"共 {load['requests']:,} 个请求，错误 {len(load['errors'])}"
                 + (f"（{'、'.join(sorted(set(load['errors']))[:5])}）" if load["errors"] else "")
                 + "；花名册、档案、看板、待我审批、选拔列表混合"))

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()  # the recompute messages the imports queued
    report = _report(args, rows, counts, load_seconds, time.perf_counter() - started)
    print(report)
    Path(args.output).write_text(report, encoding="utf-8")
    print(f"==> 已写入 {args.output}")
    return 0 if (agree and quota_ok and due_ok and timeline_ok and training_ok and form_ok and reports_ok
                 and not load["errors"]) else 1


FORM_TARGET = 1.0  # seconds: one cadre's 干部任免审批表 as a PDF at N cadres (issue 15)
TRAINING_TARGET = 0.500  # seconds: the training hours table by unit at N cadres, 10 enrolments each (issue 14)


def training_hours_case(client, head_client):
    """Load 10 enrolments per cadre and measure the hours table by unit: this year (the roster's cached
    post) and last year (posts held on 31 December), as personnel staff and as a department head.

    Return the report row and whether it met the target with the same query count in all four.
    """
    from bench.load import load_training

    loaded, load_time = _timed_value(load_training)
    this_year, this_queries, response = page(client, "/training/hours/")
    last = timezone_year() - 1
    last_year, last_queries, _ = page(client, f"/training/hours/?year={last}")
    _, head_queries, _ = page(head_client, "/training/hours/")
    _, head_last_queries, _ = page(head_client, f"/training/hours/?year={last}")
    units = response.content.decode().count('data-testid="hours-row"')
    flat = this_queries == last_queries == head_queries == head_last_queries
    ok = this_year[0] < TRAINING_TARGET and last_year[0] < TRAINING_TARGET and flat
    row = ("教育培养：培训学时统计（按单位，本年度）", spread(this_year),
           f"上年度（按 12 月 31 日任职记录）{spread(last_year)}；{units} 个单位；"
           f"{loaded['enrolments']:,} 条参训记录、{loaded['cadre_years']:,} 条年度学时（载入 {load_time:.0f} s）；"
           f"{this_queries} 次查询，上年度 {last_queries} 次，科室负责人 {head_queries}/{head_last_queries} 次"
           f"{'，相同' if flat else '，不同！'}；"
           f"目标 < {TRAINING_TARGET * 1000:.0f} ms：{'达到' if ok else '未达到！'}")
    return row, ok


REPORT_TARGET = 60.0  # seconds: the monthly report of the whole bureau, Excel and PDF (issue 15)
REPORT_MEMORY = 500  # MB peak RSS of the job


def build_last_months_report():
    """Build last month's report for the whole bureau as the Celery job does; return the files' sizes."""
    import datetime as dt

    from django.utils import timezone

    from cadre_office.reports.monthly import build_files

    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    built = build_files(month)
    tables = built.figures["structure"]
    return {"xlsx": len(built.xlsx), "pdf": len(built.pdf), "total": tables["正科"]["total"] + tables["副科"]["total"]}


def reports_case():
    """Measure the monthly report: 3 builds, each in a fresh child; return its rows and whether it met the target."""
    runs = [in_child(lambda: _timed_value(build_last_months_report)) for _ in range(3)]
    seconds = statistics.median(r[0][1] for r in runs)
    peak = max(r[1] for r in runs)
    sizes = runs[0][0][0]
    report_ok = seconds < REPORT_TARGET and peak < REPORT_MEMORY
    rows = [("月度报表：全局，Excel 与 PDF（后台任务的完整生成）",
             f"{seconds:.1f} s（{min(r[0][1] for r in runs):.1f}–{max(r[0][1] for r in runs):.1f} s），"
             f"峰值内存 {peak:.0f} MB",
             f"科级干部 {sizes['total']:,} 人；Excel {sizes['xlsx'] / 1024:.0f} KB，PDF {sizes['pdf'] / 1024:.0f} KB；"
             f"目标 < {REPORT_TARGET:.0f} s 且 < {REPORT_MEMORY} MB：{'达到' if report_ok else '未达到！'}")]
    return rows, report_ok


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _timed_value(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


QUOTA_TARGET = 0.150  # seconds: the 职数 overview at N cadres (issue 12)


def _timed(fn):
    start = time.perf_counter()
    size = fn()
    return time.perf_counter() - start, size


def _report(args, rows, counts, load_seconds, total_seconds) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    lines = [
        "# 基准测试结果",
        "",
        f"- 日期：{dt.datetime.now():%Y-%m-%d %H:%M}",
        f"- 提交：{commit()}",
        f"- 机器：{machine()}",
        f"- PostgreSQL {pg}；干部 {counts['cadres']:,} 人，单位 {counts['departments']}，任职记录 {counts['posts']:,}，"
        f"职级记录 {counts['ranks']:,}，学历记录 {counts['educations']:,}（均含历史记录），载入 {load_seconds:.0f} s",
        f"- 每项运行 {args.runs} 次取中位数（括号内为最小–最大）；"
        "页面经 Django 测试客户端完整处理（中间件、视图、模板）。",
        "",
        "| 测量项 | 结果 | 对照 / 说明 |",
        "|---|---|---|",
        *[f"| {name} | {result} | {note} |" for name, result, note in rows],
        "",
        f"全程 {total_seconds:.0f} s。命令：`make bench N={args.n}`。",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
