"""Django's Redis cache, made so that a Redis server that does not answer never fails a request.

With `REDIS_URL` set (portal/settings.py) the page, document, throttle and session caches live
in Redis, shared by every process of every server. Redis is never the only copy of anything:
pages and PDFs are rendered again, sessions are read from the database (`cached_db`), sign-in
lock-outs are in the database (django-axes). So when Redis is down, or so slow that it times
out, each operation of `ResilientRedisCache` behaves as a miss (reads) or does nothing
(writes), and the request goes on: it costs a rendering, never an error page.

- Short timeouts (connecting 0.2 s, answering 0.5 s) and no retry, unless OPTIONS says otherwise.
- After a failure, the process does not try again for `RETRY_AFTER` seconds (every operation is
  a miss meanwhile): a server that drops packets costs one timeout every few seconds, not one
  per operation of every request.
- One WARNING per cache every `RETRY_AFTER` seconds at most, not one per request.
- `clear()` deletes this cache's keys only (its KEY_PREFIX), not the whole Redis database that
  the caches share (Django's `clear()` is FLUSHDB).
- `CLEAR_AFTER_OUTAGE: True` (the sessions' cache): when Redis answers again after a failure,
  this cache's keys are deleted first. A sign-out or a new session key that could not reach
  Redis meanwhile left an old copy there, which `cached_db` would otherwise serve again.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds without trying Redis after a failure (per process and cache)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {
            "socket_connect_timeout": 0.2,
            "socket_timeout": 0.5,
            "retry": Retry(NoBackoff(), 0),
            **params.get("OPTIONS", {}),
        }
        params = {**params, "OPTIONS": options}
        self.clear_after_outage = bool(params.get("CLEAR_AFTER_OUTAGE"))
        self.retry_after = params.get("RETRY_AFTER", RETRY_AFTER)
        self.down_until = 0.0  # monotonic time before which Redis is not tried
        self.failed = False  # an operation failed since the last success
        self.last_warning = None
        super().__init__(server, params)

    def _call(self, default, operation, *args, **kwargs):
        """`operation(*args, **kwargs)`, or `default` when Redis does not answer."""
        now = time.monotonic()
        if now < self.down_until:
            return default
        try:
            if self.failed and self.clear_after_outage:
                self._delete_own_keys()
            self.failed = False
            return operation(*args, **kwargs)
        except RedisError as error:
            self.failed = True
            self.down_until = now + self.retry_after
            if self.last_warning is None or now - self.last_warning >= self.retry_after:
                self.last_warning = now
                logger.warning(
                    "Redis cache %s unavailable (%s): treated as empty for %s s.",
                    self.key_prefix or "(no prefix)",
                    error.__class__.__name__,
                    self.retry_after,
                )
            return default

    def _delete_own_keys(self):
        client = self._cache.get_client(write=True)
        pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
        batch = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True

    def add(self, key, value, timeout=None, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=None, version=None):
        self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Unreachable is a missing key, as for get(): the caller starts a new count
        # (portal/throttle.py), which set() then does not keep.
        result = self._call(None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (Redis unavailable).")
        return result

    def set_many(self, data, timeout=None, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, self._delete_own_keys)
