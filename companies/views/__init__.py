"""The companies views: the register (register.py) and the follow-up (followup.py)."""
