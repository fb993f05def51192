"""The Celery application: Redis as broker, Asia/Shanghai time, one beat.

Where Redis does not answer (a laptop without it), tasks run in-process instead and
the log says so once; set ``CELERY_REQUIRE_REDIS=true`` (production, CI) to refuse
that fallback.
"""

import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_office.settings")

logger = logging.getLogger("cadre_office.celery")

app = Celery("cadre_office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def redis_reachable(url: str, timeout: float = 0.5) -> bool:
    """Return whether a Redis server answers PING at ``url``."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping())
    except (redis.RedisError, OSError):
        return False


def configure_broker_fallback() -> None:
    """Run tasks eagerly when Redis is unreachable and not required."""
    from django.conf import settings

    if settings.CELERY_REQUIRE_REDIS or app.conf.task_always_eager:
        return
    if not redis_reachable(settings.CELERY_BROKER_URL):
        app.conf.task_always_eager = True
        app.conf.task_eager_propagates = True
        logger.warning("Redis 不可达（%s）：Celery 任务改为在本进程内同步执行。", settings.CELERY_BROKER_URL)
