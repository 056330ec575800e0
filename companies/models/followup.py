"""The follow-up of establishments: échanges, needs and projects, rappels, contacts at the
company (owned by the follow-up work; the register is in register.py)."""
