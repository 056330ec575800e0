"""The référents pages. A page that works in one territory names it by the slug in its path
(`/referents/<territoire>/…`, as roadmaps do); a page about one object (a référent, a
rendez-vous, an outline section) keeps its own pk path, the object naming its territory. The
calendar feed keeps its address (territory slug and secret token).

The old addresses (territory from `?territoire=` or the session) redirect to the new ones:
they are listed first, so that their fixed words win over a territory slug.
"""

from django.urls import path

from referents.views import (
    digest,
    guide,
    legacy,
    meetings,
    network,
    orientation,
    outline,
    registrations,
    renewals,
)

app_name = "referents"

# (old path, name of the new URL): the pages of one territory before its slug was in the path.
LEGACY_PATHS = [
    ("", "list"),
    ("ajouter/", "create"),
    ("rendez-vous/", "meeting_list"),
    ("rendez-vous/nouveau/", "meeting_create"),
    ("rendez-vous/assiduite/", "attendance"),
    ("rendez-vous/agenda/renouveler/", "calendar_renew"),
    ("guide/", "guide"),
    ("guide/pdf/", "guide_pdf"),
    ("orientation/", "orientation"),
    ("orientation/observatoire/", "observatory"),
    ("trame/", "outline"),
    ("trame/trame-par-defaut/", "outline_install"),
    ("trame/sections/nouvelle/", "section_create"),
]

urlpatterns = [
    *(
        path(old, legacy.redirect_to_territory, {"name": name}, name=f"legacy_{name}")
        for old, name in LEGACY_PATHS
    ),
    # Pages about one object: the object names its territory.
    path("<int:pk>/", network.referent_detail, name="detail"),
    path("<int:pk>/modifier/", network.referent_update, name="update"),
    path(
        "rendez-vous/agenda/<slug:territory_slug>/<str:token>.ics",
        meetings.calendar,
        name="calendar",
    ),
    path("rendez-vous/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("rendez-vous/<int:pk>/modifier/", meetings.meeting_update, name="meeting_update"),
    path("rendez-vous/<int:pk>/annuler/", meetings.meeting_cancel, name="meeting_cancel"),
    path("desabonnement/<str:token>/", meetings.unsubscribe, name="unsubscribe"),
    path("resume-hebdomadaire/", digest.preferences, name="digest_preferences"),
    path(
        "resume-hebdomadaire/desabonnement/<str:token>/",
        digest.unsubscribe,
        name="digest_unsubscribe",
    ),
    path("rendez-vous/<int:pk>/presences/", meetings.meeting_attendance, name="meeting_attendance"),
    path(
        "rendez-vous/<int:pk>/inscriptions/",
        registrations.registration_list,
        name="meeting_registrations",
    ),
    path(
        "rendez-vous/<int:pk>/inscriptions.csv",
        registrations.registration_export,
        {"fmt": "csv"},
        name="meeting_registrations_export_csv",
    ),
    path(
        "rendez-vous/<int:pk>/inscriptions.xlsx",
        registrations.registration_export,
        {"fmt": "xlsx"},
        name="meeting_registrations_export_xlsx",
    ),
    path("trame/sections/<int:pk>/", outline.section_update, name="section_update"),
    path("trame/sections/<int:pk>/supprimer/", outline.section_delete, name="section_delete"),
    path("renouvellement/<str:token>/", renewals.answer, name="renewal_answer"),
    # Pages of one territory.
    path("<slug:territory_slug>/", network.network, name="list"),
    path("<slug:territory_slug>/ajouter/", network.referent_create, name="create"),
    path("<slug:territory_slug>/rendez-vous/", meetings.meeting_list, name="meeting_list"),
    path(
        "<slug:territory_slug>/rendez-vous/nouveau/",
        meetings.meeting_create,
        name="meeting_create",
    ),
    path(
        "<slug:territory_slug>/rendez-vous/assiduite/",
        meetings.attendance_rates,
        name="attendance",
    ),
    path(
        "<slug:territory_slug>/rendez-vous/agenda/renouveler/",
        meetings.calendar_renew,
        name="calendar_renew",
    ),
    path("<slug:territory_slug>/guide/", guide.guide, name="guide"),
    path("<slug:territory_slug>/guide/pdf/", guide.guide, {"as_pdf": True}, name="guide_pdf"),
    path("<slug:territory_slug>/orientation/", orientation.orientation, name="orientation"),
    path(
        "<slug:territory_slug>/orientation/observatoire/",
        orientation.observatory,
        name="observatory",
    ),
    path("<slug:territory_slug>/trame/", outline.outline, name="outline"),
    path(
        "<slug:territory_slug>/trame/trame-par-defaut/",
        outline.outline_install,
        name="outline_install",
    ),
    path(
        "<slug:territory_slug>/trame/sections/nouvelle/",
        outline.section_create,
        name="section_create",
    ),
    path("<slug:territory_slug>/renouvellement/", renewals.campaign, name="renewal"),
    path(
        "<slug:territory_slug>/renouvellement/adresses/",
        renewals.addresses,
        name="renewal_addresses",
    ),
    path("<slug:territory_slug>/renouvellement/envoyer/", renewals.send, name="renewal_send"),
    path("<slug:territory_slug>/renouvellement/relancer/", renewals.remind, name="renewal_remind"),
    path("<slug:territory_slug>/renouvellement/cloturer/", renewals.close, name="renewal_close"),
    path(
        "<slug:territory_slug>/renouvellement/lettres/",
        renewals.letters,
        name="renewal_letters",
    ),
    path(
        "<slug:territory_slug>/renouvellement/<str:insee_code>/rouvrir/",
        renewals.reopen,
        name="renewal_reopen",
    ),
]
