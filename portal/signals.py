"""Signals the portal sends for the apps above it (which the portal never imports)."""

from django.dispatch import Signal

# Sent by the communes import after it renamed communes with bulk writes (which send no
# post_save), inside its transaction, with `pks`: the renamed communes' primary keys. An app
# that copies a commune's name (companies: the register's sort key) follows it here.
communes_renamed = Signal()
