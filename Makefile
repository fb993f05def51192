# 科级干部队伍建设管理系统 — 常用命令
#
#   make run     安装所需的一切，建库、写入演示数据，在 http://127.0.0.1:8000 启动
#   make test    安装测试所需的一切，运行 ruff、check、makemigrations --check、pytest
#   make lint    只运行 ruff
#   make vendor  用 npm 重新生成 static/vendor/ 和浏览器测试用的 axe-core（随仓库提交，平时不需要）
#   make bench   基准测试：在独立的 PostgreSQL 库中载入 N 名干部并测量（N=20000 可改，默认 100000）
#
# Everything is installed by these targets themselves: Debian packages (when running as root and
# one is missing), the virtualenv in .venv/ and the pinned Python packages (reinstalled only when
# a requirements file changes, tracked by stamp files inside .venv/).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
CELERY := $(VENV)/bin/celery
RUFF := $(VENV)/bin/ruff
RUN_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev
# Two processes (pytest-xdist): the suite takes about 6 minutes on 2 cores instead of 9 to 10.
PYTEST_ARGS ?= -n 2

REDIS_URL ?= redis://127.0.0.1:6379/0
export REDIS_URL

# Debian packages: WeasyPrint needs Pango and HarfBuzz's subsetter, reports need CJK fonts;
# tests also drive Debian's chromium and read generated PDFs with poppler-utils (pdftotext).
RUN_DEBS := python3-venv fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils
DEBS = $(RUN_DEBS)
# Target-specific values are inherited by prerequisites, so `make test` checks (and apt-get
# updates) once for the larger list.
test: DEBS = $(TEST_DEBS)

.PHONY: help run test lint vendor bench system-packages services-check

help:
	@echo "make run     安装依赖、迁移数据库、写入演示数据，并在 http://127.0.0.1:8000 启动"
	@echo "make test    安装测试依赖并运行 ruff、manage.py check、makemigrations --check、pytest"
	@echo "make lint    ruff check ."
	@echo "make vendor  用 npm 重新生成 static/vendor/ 中的前端资源和 tests/browser/vendor/ 中的 axe-core"
	@echo "make bench   在 PostgreSQL 上载入 N 名干部（默认 100000，N=20000 可改）并测量，结果写入 bench/RESULTS.md"

# --- installation -----------------------------------------------------------------------------

system-packages:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "（非 Debian 系统：跳过系统软件包检查，请自行安装：$(DEBS)）"; exit 0; \
	fi; \
	missing=""; \
	for pkg in $(DEBS); do \
	  case "$$(dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null || true)" in \
	    *" ok installed") ;; \
	    *) missing="$$missing $$pkg" ;; \
	  esac; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "==> 安装系统软件包:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "警告：缺少系统软件包:$$missing" >&2; \
	  echo "      请以 root 运行 make，或执行：sudo apt-get install$$missing" >&2; \
	fi

# A failed attempt (no ensurepip) leaves a python without pip behind: remove it so the next run retries.
$(PY): | system-packages
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(RUN_STAMP): requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	@touch $@

# requirements-dev.txt includes requirements.txt, so this also satisfies the runtime stamp.
$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	@touch $@ $(RUN_STAMP)

# --- make run ---------------------------------------------------------------------------------

run: system-packages $(RUN_STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "（以上为 seed_demo 创建的演示账号。）浏览器打开 http://127.0.0.1:8000 登录。"
	@echo
	@mkdir -p var/log; \
	pids=""; \
	stop_workers() { if [ -n "$$pids" ]; then echo "==> 停止 Celery（$$pids）"; kill $$pids 2>/dev/null || true; wait $$pids 2>/dev/null || true; fi; }; \
	trap stop_workers EXIT; \
	trap 'exit 130' INT TERM HUP; \
	if $(PY) -c 'import os, redis; redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1).ping()' >/dev/null 2>&1; then \
	  bin/keep-running celery-worker var/log/celery-worker.log \
	    $(CELERY) -A cadre_office worker -l info & pids="$$!"; \
	  bin/keep-running celery-beat var/log/celery-beat.log \
	    $(CELERY) -A cadre_office beat -l info -s var/celerybeat-schedule & pids="$$pids $$!"; \
	  echo "==> Redis 可用（$$REDIS_URL）：已在后台启动 Celery worker 与 beat（退出后 5 秒自动重启），日志见 var/log/celery-*.log"; \
	else \
	  echo "==> Redis 未响应（$$REDIS_URL）：后台任务将在 Web 进程内同步执行。"; \
	fi; \
	echo "==> 打开 http://127.0.0.1:8000 ，按 Ctrl-C 停止"; \
	$(PY) manage.py runserver 127.0.0.1:8000

# --- make test --------------------------------------------------------------------------------

# In CI the tests run against the real PostgreSQL and Redis (pytest-django creates test_cadre_office).
ifeq ($(CI),true)
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cadre_office
export DATABASE_URL
export CELERY_REQUIRE_REDIS = true
test: services-check
endif

# Fail early and clearly when CI's PostgreSQL or Redis does not answer; create the (empty) database
# DATABASE_URL names so that makemigrations can read its migration history.
define SERVICES_CHECK_PY
import os, sys
import dj_database_url, psycopg, psycopg.sql, redis

failed = False
db = dj_database_url.parse(os.environ.get("DATABASE_URL") or sys.exit("需要 DATABASE_URL（CI=true 时自动设置）"))
if db["ENGINE"] != "django.db.backends.postgresql":
    sys.exit(f"CI 需要 PostgreSQL，但 DATABASE_URL 指向 {db['ENGINE']}")
try:
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                         password=db["PASSWORD"] or None, dbname="postgres", connect_timeout=3,
                         autocommit=True) as conn:
        print(f"PostgreSQL 可用：{db['HOST']}:{db['PORT']}")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(db["NAME"])))
            print(f"已创建数据库 {db['NAME']}（makemigrations --check 用它核对迁移历史）")
except psycopg.Error as exc:
    failed = True
    print(f"错误：PostgreSQL 无响应（{db['HOST']}:{db['PORT']}）：{exc}", file=sys.stderr)
try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3, socket_timeout=3).ping()
    print(f"Redis 可用：{os.environ['REDIS_URL']}")
except (redis.RedisError, OSError) as exc:
    failed = True
    print(f"错误：Redis 无响应（{os.environ['REDIS_URL']}）：{exc}", file=sys.stderr)
sys.exit(1 if failed else 0)
endef
export SERVICES_CHECK_PY

services-check: $(DEV_STAMP)
	@$(PY) -c "$$SERVICES_CHECK_PY"

test: system-packages $(DEV_STAMP)
	$(RUFF) check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	@db="$${DATABASE_URL:-sqlite}"; echo "==> pytest（数据库：$${db%%://*}）"
	@$(PY) -m pytest $(PYTEST_ARGS) || { rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "错误：pytest 没有收集到任何测试（退出码 5），视为失败。" >&2; fi; \
	  exit $$rc; }

lint: $(DEV_STAMP)
	$(RUFF) check .

# --- front-end assets -------------------------------------------------------------------------

# Copies the built files into static/vendor/<lib>/ (committed, so a clone works without npm), and
# axe-core (a devDependency) into tests/browser/vendor/: it serves the browser journeys' accessibility
# check only, so it never goes into static/ and no page of the system ships it.
# Source-map comments are dropped: the maps are not shipped, and ManifestStaticFilesStorage
# would refuse to collect a file that points at a missing map.
STRIP_MAP := sed -e '/^\/[/*]\# sourceMappingURL=/d'

vendor:
	@command -v npm >/dev/null 2>&1 || { echo "错误：需要 npm（Debian：apt-get install npm）" >&2; exit 1; }
	if [ -f package-lock.json ]; then npm ci --ignore-scripts --no-audit --no-fund; \
	else npm install --ignore-scripts --no-audit --no-fund; fi
	rm -rf static/vendor
	mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons/fonts static/vendor/htmx static/vendor/chart.js
	$(STRIP_MAP) node_modules/bootstrap/dist/css/bootstrap.min.css >static/vendor/bootstrap/bootstrap.min.css
	$(STRIP_MAP) node_modules/bootstrap/dist/js/bootstrap.bundle.min.js >static/vendor/bootstrap/bootstrap.bundle.min.js
	cp node_modules/bootstrap/LICENSE static/vendor/bootstrap/LICENSE
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 \
	   static/vendor/bootstrap-icons/fonts/
	cp node_modules/bootstrap-icons/LICENSE static/vendor/bootstrap-icons/LICENSE
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/htmx.org/LICENSE static/vendor/htmx/LICENSE
	$(STRIP_MAP) node_modules/chart.js/dist/chart.umd.min.js >static/vendor/chart.js/chart.umd.min.js
	cp node_modules/chart.js/LICENSE.md static/vendor/chart.js/LICENSE.md
	node -e 'const p = require("./package.json"); for (const n of Object.keys(p.dependencies)) console.log(n + "@" + require("./node_modules/" + n + "/package.json").version)' \
	  >static/vendor/VERSIONS.txt
	@cat static/vendor/VERSIONS.txt
	mkdir -p tests/browser/vendor
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/
	node -e 'console.log("axe-core@" + require("./node_modules/axe-core/package.json").version)' \
	  >tests/browser/vendor/VERSION.txt
	@cat tests/browser/vendor/VERSION.txt

# --- make bench -------------------------------------------------------------------------------

# The benchmark loads N cadres into a PostgreSQL database of its own (dropped and recreated).
N ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cadre_office_bench
export BENCH_DATABASE_URL

bench: system-packages $(RUN_STAMP)
	$(PY) bench/run.py --n $(N)
