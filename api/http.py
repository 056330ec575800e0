"""What every answer of /api/v1/ gets around its view: the per-client rate limit, CORS open for
reading, and the caching headers with their 304 answers (docs/api.md).

- Rate limit: API_RATE_LIMIT requests a minute per client address (portal/throttle.py, the
  address hashed); beyond, 429 with a French message and Retry-After.
- CORS: any origin may read (`Access-Control-Allow-Origin: *`), the preflight OPTIONS is
  answered here; nothing is ever sent with credentials.
- ETag: made of the content versions of `all` and the endpoint's scopes (portal/cache.py,
  portal/scopes.py: `directory` for the structures and services, `territory:<slug>` for one
  roadmap's actions…, replaced by any change of what they show), the path and the query
  string, and for lists that move with the clock (upcoming events) the current minute. It is
  known before the data is read: a matching If-None-Match costs one query. Last-Modified (set
  by the view: the latest change of the page's records) answers If-Modified-Since.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _

from portal import throttle
from portal.cache import content_token
from portal.security import client_ip

RATE_PERIOD = 60  # seconds: API_RATE_LIMIT is per minute
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
EXPOSED_HEADERS = "ETag, Last-Modified, Link, Retry-After"


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def preflight():
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ALLOWED_METHODS
    return response


def too_many_requests():
    response = JsonResponse(
        {
            "detail": _(
                "Trop de requêtes : au plus %(limit)s par minute et par client. "
                "Réessayez dans une minute."
            )
            % {"limit": settings.API_RATE_LIMIT}
        },
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RATE_PERIOD)
    return response


def current_minute():
    return timezone.now().strftime("%Y-%m-%dT%H:%M")


def etag_for(request, *, clock=False, scopes=()):
    parts = [content_token(*scopes), request.get_full_path()]
    if clock:
        parts.append(current_minute())
    return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def _conditional(view, request, args, kwargs, clock, scopes):
    etag = etag_for(request, clock=clock, scopes=scopes(**kwargs))
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        response["ETag"] = etag
        response = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
    else:
        response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    return response


def api_view(view, *, conditional=True, clock=False, scopes=lambda **kwargs: ()):
    """`view` as a public endpoint of the API: no sign-in, rate-limited, CORS, caching headers
    (`conditional`; `clock`: the answer changes with time as well as with the content;
    `scopes(**kwargs)`: the content versions the answer depends on besides `all`)."""

    @login_not_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return _cors(preflight())
        head = request.method == "HEAD"
        if head:  # answered as GET, without the body
            request.method = "GET"
        allowed = throttle.allow(
            "api", client_ip(request) or "-", limit=settings.API_RATE_LIMIT, period=RATE_PERIOD
        )
        if not allowed:
            return _cors(too_many_requests())
        if conditional and request.method == "GET":
            response = _conditional(view, request, args, kwargs, clock, scopes)
        else:
            response = view(request, *args, **kwargs)
        if head:
            response.content = b""
        return _cors(response)

    return wrapper
