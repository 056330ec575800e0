"""The follow-up of establishments (échanges, needs and projects, rappels, contacts at the
company): forms, services (every write), history, and the reads other apps make (queries)."""
