"""The roadmaps list, one roadmap at a glance, its edition, validation and versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.cache import render_cached
from portal.scopes import territory_scope
from portal.submissions import create_once
from roadmaps.forms import (
    CompareForm,
    FilterForm,
    PublicationForm,
    RoadmapForm,
    ValidateRoadmapForm,
)
from roadmaps.models import Roadmap, Signal
from roadmaps.perms import (
    check_roadmap_visible,
    get_roadmap_for_user,
    get_roadmap_rw_for_user,
    get_roadmaps_for_user,
)
from roadmaps.public import published_roadmaps
from roadmaps.services import publication, versions, writes
from roadmaps.views import public
from roadmaps.views.common import Overview, render_form, with_reasons


@login_not_required
def roadmap_list(request):
    """A visitor reads the published roadmaps of every territory; an account, its
    territories' roadmaps, then the published ones of the others."""
    rows = get_roadmaps_for_user(request)
    if rows is None:
        return public.roadmap_list(request)
    mine = {row["territory"].pk for row in rows}
    others = published_roadmaps(exclude_territories=mine)
    return render(request, "roadmaps/roadmap_list.html", {"rows": rows, "published": others})


@public.public_variant(public.roadmap_page)
def roadmap_detail(request, slug):
    """The roadmap at a glance: phases, axes and actions, progress, late and due soon.

    Queries: session, user, memberships with their territories, content version; then, unless
    the page is in the cache (portal/cache.py), roadmap with territory, axes, actions (with step
    counts), diagnostic indicators, the two latest versions and the signals that led to the
    last one, the open signaux faibles — whatever the number of axes, actions, steps, versions
    or signals.
    """
    check_roadmap_visible(request, slug)
    return render_cached(
        request,
        "roadmaps/roadmap_detail.html",
        lambda: detail_context(request, slug),
        params=tuple(FilterForm.base_fields),
        scopes=(territory_scope(slug),),
    )


def detail_context(request, slug):
    territory, roadmap, can_edit = get_roadmap_for_user(request, slug, required=False)
    if roadmap is None:
        return render(
            request,
            "roadmaps/roadmap_empty.html",
            {"territory": territory, "can_edit": can_edit},
        )
    overview = Overview.load(roadmap)
    filters = FilterForm(
        request.GET or None,
        axes=overview.axes,
        pilots=overview.pilots,
        axis_label=roadmap.axis_label_singular,
    )
    shown = filters.apply(overview.actions, overview.today) if filters.is_bound else None
    # the last version and the one before it, for « révisée le … » and its comparison link
    recent = with_reasons(list(roadmap.versions.prefetch_related("signals")[:2]), slug)
    last_version = recent[0] if recent else None
    return {
        "territory": territory,
        "roadmap": roadmap,
        "can_edit": can_edit,
        "overview": overview,
        "filters": filters,
        "filtered": filters.is_bound and filters.active,
        "axis_summaries": overview.summaries(shown),
        "shown_count": len(shown) if shown is not None else len(overview.actions),
        "facts": list(roadmap.facts.all()),
        "last_version": last_version,
        "revision": last_version if last_version and last_version.previous else None,
        "signal_counts": Signal.objects.of_territory(territory).open_counts(),
    }


def roadmap_form(request, slug):
    """Create the territory's roadmap, or edit the current one (coordinators)."""
    territory, roadmap = get_roadmap_rw_for_user(request, slug, required=False)
    form = RoadmapForm(request.POST or None, instance=roadmap)
    title = _("Modifier la feuille de route") if roadmap else _("Créer la feuille de route")
    back = roadmap.get_absolute_url() if roadmap else territory.get_absolute_url()
    if form.is_valid():
        expected = form.cleaned_data["version"]

        def store():
            try:
                saved = writes.save_roadmap(
                    form=form, territory=territory, expected_version=expected, by=request.user
                )
            except writes.ConcurrentEdit:
                return refused()
            messages.success(request, _("La feuille de route est enregistrée."))
            return redirect(saved)

        def refused():
            """The user's input again, with the current version (saving is deliberate)."""
            fresh = Roadmap.objects.get(pk=roadmap.pk)
            data = form.data.copy()
            data["version"] = fresh.version
            again = RoadmapForm(data, instance=fresh)
            if expected is not None and again.is_valid() and not again.has_changed():
                messages.success(request, _("La feuille de route est enregistrée."))
                return redirect(fresh)  # what the form asks is already stored (a resend)
            messages.error(
                request,
                _(
                    "La feuille de route a été modifiée depuis l'ouverture de ce formulaire, "
                    "ou le formulaire ne dit pas de quelle version il part : rien n'est "
                    "enregistré. Le formulaire montre votre saisie ; vérifiez-la par rapport à "
                    "la feuille de route enregistrée, puis enregistrez de nouveau."
                ),
            )
            return render_form(request, title=title, form=again, back=back, status=409)

        # A form without a version is the creation form: it creates once per display (a
        # double click on « créer » is sent to the roadmap the first click created).
        return create_once(request, store) if expected is None else store()
    return render_form(request, title=title, form=form, back=back)


def roadmap_validate(request, slug):
    """Validate the roadmap, or revise it (« réviser la feuille de route »): freeze a named,
    dated version with the committee decision and the signals that led to it."""
    territory, roadmap = get_roadmap_rw_for_user(request, slug)
    revising = roadmap.versions.exists()
    form = ValidateRoadmapForm(
        request.POST or None,
        territory=territory,
        initial={"validated_on": timezone.localdate(), "validated_by": roadmap.validated_by},
    )
    if form.is_valid():

        def create():
            version = versions.validate_roadmap(
                roadmap=roadmap,
                name=form.cleaned_data["name"],
                validated_on=form.cleaned_data["validated_on"],
                validated_by=form.cleaned_data["validated_by"],
                summary=form.cleaned_data["summary"],
                signals=list(form.cleaned_data["signals"]),
                by=request.user,
            )
            messages.success(request, _("Version « %s » enregistrée.") % version.name)
            return redirect("roadmaps:versions", slug)

        return create_once(request, create)
    if revising:
        title = _("Réviser la feuille de route")
        intro = _(
            "La révision fige une nouvelle version datée de toute la feuille de route "
            "(diagnostic, enjeux, objectifs, axes, actions et indicateurs) et garde la trace de "
            "ce qui l'a motivée : la décision de l'instance et les signaux qui y ont conduit."
        )
    else:
        title = _("Valider la feuille de route")
        intro = _(
            "La validation fige une version datée de toute la feuille de route (diagnostic, "
            "enjeux, objectifs, axes, actions et indicateurs), à laquelle on pourra la comparer "
            "plus tard."
        )
    return render_form(
        request, title=title, form=form, back=roadmap.get_absolute_url(), intro=intro
    )


def roadmap_publication(request, slug):
    """Publish the roadmap, change whether its budget is public, or withdraw the publication
    (coordinators). GET: the page that says what visitors will see, and asks."""
    territory, roadmap = get_roadmap_rw_for_user(request, slug)
    form = PublicationForm(request.POST or None, initial={"budget_public": roadmap.budget_public})
    error = ""
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == PublicationForm.PUBLISH:
                publication.publish(
                    roadmap=roadmap,
                    budget_public=form.cleaned_data["budget_public"],
                    by=request.user,
                )
                messages.success(
                    request, _("La feuille de route est publiée : tout le monde peut la lire.")
                )
            else:
                publication.unpublish(roadmap=roadmap, by=request.user)
                messages.success(
                    request,
                    _("La publication est retirée : la feuille de route n'est plus publique."),
                )
            return redirect(roadmap)
        except publication.CannotPublish as refused:
            error = str(refused)
    elif form.is_bound:
        error = _("Choisissez de publier ou de retirer la publication.")
    return render(
        request,
        "roadmaps/publication.html",
        {
            "territory": territory,
            "roadmap": roadmap,
            "form": form,
            "error": error,
            "is_draft": roadmap.status == Roadmap.Status.DRAFT,
        },
        status=400 if error else 200,
    )


def version_list(request, slug):
    """The versions of the roadmap, each with the decision and the signals that led to it, and
    the comparison of two of them, or of one with today.

    Queries: session, user, memberships, roadmap with its territory, versions with who recorded
    them, their signals; comparing with today adds the 6 of `versions.snapshot` — whatever the
    number of versions, signals, axes or actions."""
    territory, roadmap, can_edit = get_roadmap_for_user(request, slug)
    frozen = list(roadmap.versions.select_related("created_by").prefetch_related("signals"))
    with_reasons(frozen, slug)
    form = CompareForm(request.GET or None, versions=frozen)
    comparison = before = after = None
    if frozen and form.is_valid():
        # the form offers this roadmap's versions only: the choices are among those loaded
        by_pk = {str(version.pk): version for version in frozen}
        before = by_pk[form.cleaned_data["de"]]
        if form.cleaned_data["a"] == "aujourdhui":
            after = None
            current = versions.snapshot(roadmap)
        else:
            after = by_pk[form.cleaned_data["a"]]
            current = after.snapshot
        comparison = versions.compare(before.snapshot, current)
    elif frozen and not form.is_bound:
        form = CompareForm(initial={"de": frozen[0].pk, "a": "aujourdhui"}, versions=frozen)
    return render(
        request,
        "roadmaps/version_list.html",
        {
            "territory": territory,
            "roadmap": roadmap,
            "can_edit": can_edit,
            "versions": frozen,
            "form": form,
            "comparison": comparison,
            "before": before,
            "after": after,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
