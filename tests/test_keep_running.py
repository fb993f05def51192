"""`make run` starts the Celery worker and beat again when they exit (issue 10 item 15).

``bin/keep-running`` restarts its command after a pause, logging each start and exit, and on SIGTERM
passes the signal on and waits for the command before it exits itself (``make run`` sends it on Ctrl-C).
"""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bin" / "keep-running"


def start(tmp_path, *command):
    log = tmp_path / "job.log"
    process = subprocess.Popen([str(SCRIPT), "job", str(log), *command], env={**os.environ, "RESTART_DELAY": "0.2"},
                               stderr=subprocess.PIPE, start_new_session=True)
    return process, log


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def text(log: Path) -> str:
    return log.read_text(encoding="utf-8") if log.exists() else ""


def test_a_command_that_exits_is_started_again_after_a_pause(tmp_path):
    process, log = start(tmp_path, "sh", "-c", "echo ran; exit 3")
    try:
        wait_for(lambda: text(log).count("ran\n") >= 3)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    assert "exited with status 3; restarting in 0.2 s" in text(log)
    assert "已退出（状态 3），0.2 秒后重新启动" in process.stderr.read().decode()


def test_sigterm_is_passed_on_and_waited_for_then_nothing_is_restarted(tmp_path):
    pidfile = tmp_path / "child.pid"
    child = (f"echo $$ > {pidfile}; trap 'sleep 0.3; echo finished-in-hand; exit 0' TERM; echo started; "
             "while :; do sleep 0.05; done")
    process, log = start(tmp_path, "sh", "-c", child)
    wait_for(lambda: "started" in text(log) and pidfile.exists())
    pid = int(pidfile.read_text())
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=5) == 0
    assert "finished-in-hand" in text(log)  # it waited for the command to finish
    assert re.search(r"job stopped \(exit status 0\)", text(log))
    assert text(log).count("starting:") == 1
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError("the command outlived keep-running")


def test_make_run_keeps_the_worker_and_the_beat_running():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile[makefile.index("\nrun:"):makefile.index("# --- make test")]
    assert re.search(r"bin/keep-running celery-worker var/log/celery-worker\.log \\\n\s+\$\(CELERY\) -A cadre_office "
                     r"worker", run)
    assert re.search(r"bin/keep-running celery-beat var/log/celery-beat\.log \\\n\s+\$\(CELERY\) -A cadre_office "
                     r"beat", run)
    assert os.access(SCRIPT, os.X_OK)
