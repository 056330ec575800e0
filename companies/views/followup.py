"""The follow-up pages of an establishment: échanges, needs and projects, rappels, contacts;
the territory's needs page and its summary for the steering committee.

Access is companies/perms.py's; writes are companies/followup/services.py's (one transaction
each). Edit forms carry the version they started from (optimistic locking): a stale save
writes nothing and shows what changed since, with the user's input kept.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from companies import perms
from companies.followup import queries, services
from companies.followup.forms import (
    CompanyContactForm,
    ExchangeForm,
    ExchangeNeedForm,
    NeedFilterForm,
    NeedForm,
    NeedNoteForm,
    ReminderForm,
)
from companies.followup.history import followup_history
from companies.models import CompanyContact, Exchange, Need, Reminder
from portal.exports import csv_response, xlsx_response
from portal.legacy import redirect_to_territory
from portal.panels import collect_panels
from portal.submissions import create_once

NEEDS_PAGE_SIZE = 50


def establishment_followup_context(request, establishment, territory, can_edit):
    """What the establishment's page shows of its follow-up (templates
    companies/_followup.html and companies/_followup_aside.html): a dict merged into the page's
    context. Called once by register.establishment_detail.

    Queries (seen from a territory): échanges, their people, partners and contacts met; needs;
    contacts; and for the coordination the rappels — constant. A référent gets no private
    note, no rappel, and only the open recruitment needs."""
    rights = perms.get_followup_rights(request, territory, can_edit)
    if not rights["followup"]:
        return {"followup": rights}
    exchanges = list(
        Exchange.objects.filter(establishment=establishment, territory=territory)
        .prefetch_related("people", "partners", "contacts")
        .defer(*([] if rights["private"] else ["private_note"]))
    )
    needs = list(
        perms.needs_visible_to(request, territory)
        .filter(establishment=establishment)
        .order_by("status", "-created_at", "-pk")
    )
    contacts = list(CompanyContact.objects.filter(establishment=establishment, territory=territory))
    reminders = None
    if rights["private"]:
        reminders = queries.reminders_by_state(
            list(
                Reminder.objects.filter(establishment=establishment, territory=territory)
                .select_related("person")
                .order_by("done", "date", "pk")
            )
        )
    for reminder in reminders or []:
        reminder.establishment = establishment  # the same row: no query per rappel
    for exchange in exchanges:
        exchange.detail_people = [p.get_full_name() or p.username for p in exchange.people.all()]
    return {
        "followup": rights,
        "exchanges": exchanges,
        "needs": needs,
        "contacts": contacts,
        "reminders": reminders,
    }


def render_form(
    request, *, title, form, back, extra_form=None, conflict=None, intro="", status=None
):
    """The one template of the follow-up's forms (crispy form, cancel link)."""
    if status is None:
        bound_invalid = form.is_bound and (
            form.errors or (extra_form is not None and extra_form.errors)
        )
        status = 400 if bound_invalid else 200
    return render(
        request,
        "companies/followup_form.html",
        {
            "title": title,
            "form": form,
            "extra_form": extra_form,
            "back": back,
            "conflict": conflict,
            "intro": intro,
        },
        status=status,
    )


def conflict_message(error, user):
    if error.unknown_version:
        return _(
            "Ce formulaire ne dit pas de quelle version il part : rien n'est enregistré, pour ne "
            "rien écraser. Vérifiez votre saisie, puis enregistrez de nouveau."
        )
    if error.authors == {user.pk}:
        return _(
            "Vous avez vous-même enregistré d'autres modifications depuis l'ouverture de ce "
            "formulaire (dans un autre onglet ou par un envoi précédent) : rien n'est "
            "enregistré. Le formulaire montre votre saisie ; vérifiez, puis enregistrez de nouveau."
        )
    return _(
        "Quelqu'un a modifié cette fiche pendant que vous la modifiiez : rien n'est enregistré. "
        "Ses modifications sont listées ci-dessous ; le formulaire montre votre saisie. "
        "Vérifiez, puis enregistrez de nouveau."
    )


def _edit(request, *, obj, form_class, form_kwargs, save, title, back, success):
    """Edit `obj` with optimistic locking: a stale save writes nothing, answers 409 with what
    changed since and the user's input, carrying the current version."""
    form = form_class(request.POST or None, instance=obj, **form_kwargs)
    if form.is_valid():
        expected = form.cleaned_data["version"]
        try:
            save(form=form, expected_version=expected, by=request.user)
        except services.ConcurrentEdit as error:
            fresh = type(obj).objects.get(pk=obj.pk)
            data = request.POST.copy()
            data["version"] = fresh.version
            form = form_class(data, instance=fresh, **form_kwargs)
            form.is_valid()
            messages.error(request, conflict_message(error, request.user))
            return render_form(
                request, title=title, form=form, back=back, conflict=error.changes, status=409
            )
        messages.success(request, success)
        return redirect(back)
    return render_form(request, title=title, form=form, back=back)


# --- Échanges -----------------------------------------------------------------------------


def exchange_create(request, siret):
    """A new échange, and optionally the need detected with it: one step, both or neither."""
    establishment, territory = perms.get_followup_establishment_rw_for_user(request, siret)
    form = ExchangeForm(
        request.POST or None,
        establishment=establishment,
        territory=territory,
        initial={"date": timezone.localdate(), "people": [request.user.pk]},
    )
    need_form = ExchangeNeedForm(request.POST or None)
    if form.is_valid() and need_form.is_valid():

        def create():
            exchange, need = services.create_exchange(
                form=form,
                establishment=establishment,
                territory=territory,
                by=request.user,
                need_form=need_form,
            )
            if need:
                messages.success(request, _("L'échange et le besoin détecté sont enregistrés."))
            else:
                messages.success(request, _("L'échange est enregistré."))
            return redirect(exchange)

        return create_once(request, create)
    return render_form(
        request,
        title=_("Nouvel échange avec %s") % establishment.display_name,
        form=form,
        extra_form=need_form,
        back=establishment.get_absolute_url(),
    )


def exchange_update(request, siret, pk):
    exchange = perms.get_exchange_rw_for_user(request, siret, pk)
    return _edit(
        request,
        obj=exchange,
        form_class=ExchangeForm,
        form_kwargs={"establishment": exchange.establishment, "territory": exchange.territory},
        save=services.save_exchange,
        title=_("Modifier l'échange du %s") % exchange.date.strftime("%d/%m/%Y"),
        back=exchange.get_absolute_url(),
        success=_("L'échange est enregistré."),
    )


def exchange_delete(request, siret, pk):
    """GET asks for confirmation; POST deletes the échange (the history keeps who and when)."""
    exchange = perms.get_exchange_rw_for_user(request, siret, pk)
    date = exchange.date.strftime("%d/%m/%Y")
    return _confirm_delete(
        request,
        delete=lambda: services.delete_exchange(exchange=exchange, by=request.user),
        back=exchange.establishment.get_absolute_url() + "#echanges",
        title=_("Supprimer un échange"),
        question=_("Supprimer l'échange du %s ?") % date,
        explanation=_(
            "L'échange disparaît de la fiche de l'établissement ; l'historique du suivi garde "
            "sa suppression (qui, quand). Un besoin détecté lors de cet échange est conservé."
        ),
        success=_("L'échange est supprimé."),
    )


# --- Needs and projects -------------------------------------------------------------------


def need_create(request, siret):
    establishment, territory = perms.get_followup_establishment_rw_for_user(request, siret)
    form = NeedForm(request.POST or None, territory=territory)
    del form.fields["version"]
    if form.is_valid():

        def create():
            need = services.create_need(
                form=form, establishment=establishment, territory=territory, by=request.user
            )
            messages.success(request, _("Le besoin est enregistré."))
            return redirect(need)

        return create_once(request, create)
    return render_form(
        request,
        title=_("Nouveau besoin ou projet de %s") % establishment.display_name,
        form=form,
        back=establishment.get_absolute_url(),
    )


@require_safe
def need_detail(request, pk):
    need, can_edit = perms.get_need_for_user(request, pk)
    context = {
        "need": need,
        "establishment": need.establishment,
        "can_edit": can_edit,
        "partners": list(need.partners.all()),
        "notes": list(need.notes.select_related("author")) if can_edit else [],
        "panels": collect_panels("NEED_PANELS", request, need, can_edit),
    }
    if can_edit:
        context["note_form"] = NeedNoteForm(initial={"date": timezone.localdate()})
    return render(request, "companies/need_detail.html", context)


def need_update(request, pk):
    need = perms.get_need_rw_for_user(request, pk)
    return _edit(
        request,
        obj=need,
        form_class=NeedForm,
        form_kwargs={"territory": need.territory},
        save=services.save_need,
        title=_("Modifier le besoin « %s »") % need.title,
        back=need.get_absolute_url(),
        success=_("Le besoin est enregistré."),
    )


def need_delete(request, pk):
    """GET asks for confirmation; POST deletes the need and its notes (the history keeps who
    and when)."""
    need = perms.get_need_rw_for_user(request, pk)
    return _confirm_delete(
        request,
        delete=lambda: services.delete_need(need=need, by=request.user),
        back=need.establishment.get_absolute_url(),
        title=_("Supprimer un besoin"),
        question=_("Supprimer le besoin « %s » ?") % need.title,
        explanation=_(
            "Le besoin et ses notes disparaissent ; l'historique du suivi garde sa suppression "
            "(qui, quand)."
        ),
        success=_("Le besoin est supprimé."),
    )


@require_POST
def need_note_create(request, pk):
    need = perms.get_need_rw_for_user(request, pk)
    form = NeedNoteForm(request.POST)
    if form.is_valid():

        def create():
            services.add_need_note(form=form, need=need, by=request.user)
            messages.success(request, _("La note est ajoutée."))
            return redirect(need.get_absolute_url() + "#notes")

        return create_once(request, create)
    return render_form(
        request, title=_("Ajouter une note"), form=form, back=need.get_absolute_url()
    )


# --- Rappels ------------------------------------------------------------------------------


def reminder_create(request, siret):
    establishment, territory = perms.get_followup_establishment_rw_for_user(request, siret)
    form = ReminderForm(
        request.POST or None,
        territory=territory,
        initial={"person": request.user.pk, "date": timezone.localdate()},
    )
    if form.is_valid():

        def create():
            services.create_reminder(
                form=form, establishment=establishment, territory=territory, by=request.user
            )
            messages.success(request, _("Le rappel est enregistré."))
            return redirect(establishment.get_absolute_url() + "#rappels")

        return create_once(request, create)
    return render_form(
        request,
        title=_("Nouveau rappel pour %s") % establishment.display_name,
        form=form,
        back=establishment.get_absolute_url(),
    )


@require_POST
def reminder_mark(request, siret, pk):
    """Mark a rappel done (`done=1`) or to do (`done=0`): the POST says which."""
    reminder = perms.get_reminder_rw_for_user(request, siret, pk)
    done = {"1": True, "0": False}.get(request.POST.get("done", ""))
    if done is None:
        return HttpResponseBadRequest(_("Indiquez si le rappel est fait (1) ou à faire (0)."))
    services.mark_reminder(reminder=reminder, done=done, by=request.user)
    target = request.POST.get("retour", "")
    if target == "accueil":
        return redirect(reminder.territory.get_absolute_url())
    return redirect(reminder.get_absolute_url())


# --- Contacts at the company --------------------------------------------------------------


def contact_create(request, siret):
    establishment, territory = perms.get_followup_establishment_rw_for_user(request, siret)
    form = CompanyContactForm(request.POST or None)
    del form.fields["version"]
    if form.is_valid():

        def create():
            services.create_contact(
                form=form, establishment=establishment, territory=territory, by=request.user
            )
            messages.success(request, _("Le contact est ajouté."))
            return redirect(establishment.get_absolute_url() + "#contacts")

        return create_once(request, create)
    return render_form(
        request,
        title=_("Nouveau contact chez %s") % establishment.display_name,
        form=form,
        back=establishment.get_absolute_url(),
        intro=_(
            "Données personnelles : visibles des seuls membres du territoire, supprimées "
            "partout à la suppression du contact (voir la page Données personnelles)."
        ),
    )


def contact_update(request, siret, pk):
    contact = perms.get_contact_rw_for_user(request, siret, pk)
    return _edit(
        request,
        obj=contact,
        form_class=CompanyContactForm,
        form_kwargs={},
        save=services.save_contact,
        title=_("Modifier le contact %s") % contact,
        back=contact.get_absolute_url(),
        success=_("Le contact est enregistré."),
    )


def _confirm_delete(request, *, delete, back, title, question, explanation, success):
    """GET asks for confirmation; POST deletes (`delete()`) and goes `back`."""
    if request.method == "POST":
        delete()
        messages.success(request, success)
        return redirect(back)
    context = {"title": title, "question": question, "explanation": explanation, "back": back}
    return render(request, "companies/followup_confirm_delete.html", context)


def contact_delete(request, siret, pk):
    """GET asks for confirmation; POST deletes the contact everywhere."""
    contact = perms.get_contact_rw_for_user(request, siret, pk)
    return _confirm_delete(
        request,
        delete=lambda: services.delete_contact(contact=contact),
        back=contact.get_absolute_url(),
        title=_("Supprimer un contact"),
        question=_("Supprimer le contact %s ?") % contact,
        explanation=_(
            "Le contact est supprimé partout : de la fiche de l'établissement, des échanges où "
            "il figure et de l'historique. Cette suppression est définitive."
        ),
        success=_("Le contact est supprimé, partout où il figurait."),
    )


@require_safe
def followup_history_page(request, siret):
    establishment, territory = perms.get_history_for_user(request, siret)
    return render(
        request,
        "companies/followup_history.html",
        {
            "establishment": establishment,
            "territory": territory,
            "history": followup_history(establishment=establishment, territory=territory),
        },
    )


# --- The territory's needs and its summary ------------------------------------------------


def _filtered_needs(request, territory):
    filters = NeedFilterForm(request.GET or None)
    needs = perms.needs_visible_to(request, territory)
    data = filters.cleaned_data if filters.is_valid() else {}
    listed = needs
    if data.get("type"):
        listed = listed.filter(kind=data["type"])
    if data.get("statut"):
        listed = listed.filter(status=data["statut"])
    else:
        listed = listed.open()
    if data.get("relancer"):
        listed = listed.to_follow_up()
    return filters, needs, listed


@require_safe
def legacy_need_list(request):
    """/entreprises/besoins/ (old addresses, with `?territoire=`): to the territory's needs."""
    territory = perms.legacy_territory_for_user(request)
    return redirect_to_territory(request, territory, "companies:need_list", kwarg="territory")


@require_safe
def need_list(request, territory):
    """/entreprises/besoins/: the open needs by type and status, recruitment needs by métier
    and sector, « à relancer », and the list (filtered). Queries after the territory: section
    labels, type × status table, recruitment table, « à relancer », count and page — constant.
    """
    territory, can_edit = perms.get_needs_territory_for_user(request, territory)
    filters, needs, listed = _filtered_needs(request, territory)
    labels = queries.section_labels()
    table, totals = queries.status_table(needs.open())
    page = Paginator(listed.for_list(), NEEDS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/need_list.html",
        {
            "territory": territory,
            "can_edit": can_edit,
            "filters": filters,
            "statuses": [status.label for status in Need.Status],
            "table": table,
            "totals": totals,
            "recruitment": queries.recruitment_by_job(needs, labels),
            "to_follow_up": queries.needs_to_follow_up(needs) if can_edit else [],
            "page": page,
            "query": query.urlencode(),
        },
    )


EXPORT_HEADER = [
    gettext_lazy("Établissement"),
    gettext_lazy("SIRET"),
    gettext_lazy("Commune"),
    gettext_lazy("Type"),
    gettext_lazy("Statut"),
    gettext_lazy("Intitulé"),
    gettext_lazy("Métier"),
    gettext_lazy("Postes"),
    gettext_lazy("Contrat"),
    gettext_lazy("Échéance"),
    gettext_lazy("Détecté le"),
]


def _export_rows(needs):
    for need in needs:
        establishment = need.establishment
        yield [
            establishment.display_name,
            establishment.siret,
            establishment.commune.name if establishment.commune else "",
            need.get_kind_display(),
            need.get_status_display(),
            need.title,
            need.job,
            need.positions if need.positions is not None else "",
            need.get_contract_display() if need.contract else "",
            need.deadline.strftime("%d/%m/%Y") if need.deadline else "",
            timezone.localtime(need.created_at).strftime("%d/%m/%Y"),
        ]


@require_safe
def need_export(request, territory, fmt):
    """The filtered needs as CSV or XLSX (what the user may read: no description, no note)."""
    territory, _can_edit = perms.get_needs_territory_for_user(request, territory)
    _filters, _needs, listed = _filtered_needs(request, territory)
    header = [str(cell) for cell in EXPORT_HEADER]
    filename = f"besoins-{territory.slug}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    rows = _export_rows(listed.for_list())
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, title=_("Besoins"))
    return csv_response(filename, header, rows)


@require_safe
def summary(request, territory):
    """The territory's follow-up over a year, for the steering committee (also on the
    roadmap's dashboard). Counts only."""
    territory, _can_edit = perms.get_needs_territory_for_user(request, territory)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("annee", this_year))
    except ValueError:
        year = this_year
    if not 1990 <= year <= this_year + 1:
        year = this_year
    return render(
        request,
        "companies/summary.html",
        {
            "territory": territory,
            "summary": queries.territory_summary(territory=territory, year=year),
            "years": list(range(this_year, this_year - 5, -1)),
        },
    )
