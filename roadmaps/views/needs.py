"""Links from the needs detected at companies to the roadmap's actions (stored in roadmaps)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roadmaps.forms import NeedActionForm
from roadmaps.perms import get_need_link_rw_for_user
from roadmaps.services import writes
from roadmaps.views.common import render_form


@require_POST
def need_action(request, slug, pk):
    """Relate a company's need to an action of the territory's roadmap (or to none)."""
    need, roadmap = get_need_link_rw_for_user(request, slug, pk)
    form = NeedActionForm(request.POST, roadmap=roadmap)
    if not form.is_valid():
        return render_form(
            request,
            title=_("Action liée au besoin « %s »") % need.title,
            form=form,
            back=need.get_absolute_url(),
        )
    link = writes.link_need(need=need, action=form.cleaned_data["action"], by=request.user)
    if link is None:
        messages.success(request, _("Le besoin n'est plus lié à une action."))
    else:
        messages.success(request, _("Le besoin est lié à l'action %s.") % link.action.code)
    return redirect(need)
