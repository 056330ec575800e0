"""Counting requests per key in a time window, in the "throttle" cache.

A counter starts at the first request and lasts `period` seconds (a fixed window): simple, and
enough to stop a script that repeats a request. The "throttle" cache is its own, so that pages
filling the page cache never evict a counter. With the default in-memory cache each gunicorn
worker counts on its own: the real limit is at most the number of workers times the setting
(docs/security.md); a shared cache backend makes it exact.
"""

import hashlib

from django.core.cache import caches


def allow(scope, key, *, limit, period):
    """Count one request for `key` in `scope`; False when it is beyond `limit` requests in
    `period` seconds. The key is hashed: no address is kept in clear in the cache."""
    store = caches["throttle"]
    digest = hashlib.sha256(str(key).encode("utf-8", "surrogateescape")).hexdigest()
    cache_key = f"throttle:{scope}:{digest}"
    store.add(cache_key, 0, period)
    try:
        count = store.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        store.set(cache_key, 1, period)
        count = 1
    return count <= limit
