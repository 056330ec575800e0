import logging
import sys
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template import loader
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from portal import access, audit, panels, throttle
from portal.cache import render_cached
from portal.legacy import redirect_to_territory
from portal.models import Territory
from portal.scopes import territory_scope
from portal.security import client_ip

logger = logging.getLogger(__name__)


@login_not_required
@require_safe
def home(request):
    """A visitor learns what the portal is; a member sees their current territory at a glance
    (the territory's own page, `territory_home`, shows it under its own address). The old
    `/?territoire=<slug>` redirects to that address."""
    if not request.user.is_authenticated:
        return render(request, "portal/home_visitor.html")
    if "territoire" in request.GET:
        territory = access.legacy_territory_for_user(request)
        return redirect_to_territory(request, territory, "territory_home")
    if not request.territory:
        return no_territory(request)
    return _territory_home(request, request.territory.slug)


@require_safe
def territory_home(request, territory_slug):
    """A territory at a glance, for its members: `Territory.get_absolute_url`."""
    return _territory_home(request, territory_slug)


def _territory_home(request, slug):
    """Kept in the page cache (scope `territory:<slug>`: its row and EPCIs, its communes' figures
    are `all`), but for its panels, which may be the user's own (« Mes rappels »): they are
    rendered for each request (`{% own_part %}`). Queries from the cache: session, user,
    memberships with their territories, content versions, and the panels' own (a coordinator:
    their rappels, the signals to triage)."""
    found = access.territory_named(request.user, slug)
    if found is None:
        raise Http404
    request.own_part = partial(_home_panels, request, found)
    return render_cached(
        request,
        "portal/home.html",
        partial(_home_context, request, found),
        scopes=(territory_scope(found.slug),),
    )


def _home_context(request, found):
    territories = Territory.objects.prefetch_related("epcis")
    territory, role, can_edit = access.get_territory_role_for_user(request, found.slug, territories)
    return {
        "territory": territory,
        "figures": territory.figures(),
        "role": role,
        "can_edit": can_edit,
    }


def _home_panels(request, territory):
    context = {"panels": panels.home_panels(request, territory)}
    return render_to_string("portal/_home_panels.html", context, request)


def no_territory(request):
    """The answer of every page that needs a territory to a signed-in user who has none (an
    account not yet attached; staff while no territory exists), instead of a bare 404: what is
    missing, whom to ask, and what they can use meanwhile. Raise `access.NoTerritory` to get it.

    Queries: session, user, memberships (the territory list is then known to be empty).
    """
    return render(
        request,
        "portal/no_territory.html",
        {"contact_email": settings.MAILLAGE.get("CONTACT_EMAIL", "").strip()},
    )


@require_POST
def territory_switch(request):
    """Remember the territory chosen in the switcher, then go back where the user was."""
    territory = access.territory_named(request.user, request.POST.get("territoire", ""))
    if territory is None:
        messages.error(request, _("Vous ne faites pas partie de ce territoire."))
    else:
        request.session[access.SESSION_KEY] = territory.pk
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "home"
    return redirect(target)


@login_not_required
@require_safe
def legal_page(request, template):
    return render(request, template)


@login_not_required
@never_cache
@require_safe
def health(request):
    """200 when the database answers, 503 otherwise (for a load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return HttpResponse("base de données indisponible\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
@require_safe
def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@login_not_required
def error_403(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def error_400(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def error_500(request):
    # No context processors: the database may be what failed.
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        # The database does not answer (restart, failover): a temporary unavailability.
        template = loader.get_template("503.html")
        response = HttpResponse(template.render({}), status=503)
        response["Retry-After"] = "30"
        return response
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"maillage": None}), status=500)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with at most PASSWORD_RESET_LIMIT_PER_ADDRESS e-mails per
    address and PASSWORD_RESET_LIMIT_PER_CLIENT requests per client address in
    PASSWORD_RESET_LIMIT_PERIOD seconds. Beyond, the answer is the same page as ever (whether
    the address has an account is never told) but nothing is sent, and the audit log says so."""

    def form_valid(self, form):
        period = settings.PASSWORD_RESET_LIMIT_PERIOD
        address = form.cleaned_data["email"].strip().lower()
        client = client_ip(self.request) or "-"
        # Both counters count every request, so neither limit can be dodged with the other.
        by_address = throttle.allow(
            "password_reset_address",
            address,
            limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            period=period,
        )
        by_client = throttle.allow(
            "password_reset_client",
            client,
            limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
            period=period,
        )
        if by_address and by_client:
            return super().form_valid(form)
        audit.log(
            "password_reset.throttled",
            self.request,
            limit="address" if not by_address else "client",
        )
        return HttpResponseRedirect(self.get_success_url())
