"""Default (development) settings: everything from ``base``, tuned by the environment."""

from .base import *  # noqa: F403
