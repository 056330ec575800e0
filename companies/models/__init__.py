"""The companies app's models: the register (register.py) and the follow-up (followup.py)."""

from companies.models.followup import *  # noqa: F403
from companies.models.register import *  # noqa: F403
