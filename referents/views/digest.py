"""The weekly digest's opt-out: a page of the signed-in user (a checkbox) and the signed link
of the e-mail (no sign-in needed: GET asks, POST stops it; replaying changes nothing)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from referents import digest
from referents.models import DigestOptOut


class DigestPreferenceForm(forms.Form):
    wanted = forms.BooleanField(
        label=gettext_lazy("Recevoir chaque lundi le résumé de ce qui m'attend"),
        required=False,
        help_text=gettext_lazy(
            "Pour les coordinateurs : fiches à vérifier, signalements, actions en retard, "
            "rendez-vous à venir, rappels en retard, nouveaux signaux faibles."
        ),
    )


@require_http_methods(["GET", "POST"])
def preferences(request):
    opted_out = DigestOptOut.objects.filter(user=request.user).exists()
    form = DigestPreferenceForm(
        request.POST if request.method == "POST" else None, initial={"wanted": not opted_out}
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if form.cleaned_data["wanted"]:
                DigestOptOut.objects.filter(user=request.user).delete()
            else:
                DigestOptOut.objects.get_or_create(user=request.user)
        messages.success(request, _("Votre choix est enregistré."))
        return redirect("referents:digest_preferences")
    return render(request, "referents/digest_preferences.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user = digest.user_from_token(token)
    if user is None:
        return render(request, "referents/digest_unsubscribe.html", {"gone": True}, status=404)
    if request.method == "POST":  # then back to the page, which says it is done (POST, redirect)
        DigestOptOut.objects.get_or_create(user=user)
        return redirect(request.path)
    done = DigestOptOut.objects.filter(user=user).exists()
    return render(request, "referents/digest_unsubscribe.html", {"done": done})
