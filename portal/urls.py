from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from portal import invitations, views

admin.site.site_header = "Administration de Maillage"
admin.site.site_title = "Maillage"
admin.site.index_title = "Gestion du portail"

accounts = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "mot-de-passe/oubli/",
        login_not_required(views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        login_not_required(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("territoire/", views.territory_switch, name="territory_switch"),
    path("territoires/<slug:territory_slug>/", views.territory_home, name="territory_home"),
    path("territoires/<slug:territory_slug>/membres/", invitations.members, name="members"),
    path(
        "territoires/<slug:territory_slug>/membres/<int:pk>/retirer/",
        invitations.member_remove,
        name="member_remove",
    ),
    path(
        "territoires/<slug:territory_slug>/invitations/<int:pk>/renvoyer/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "territoires/<slug:territory_slug>/invitations/<int:pk>/annuler/",
        invitations.invitation_cancel,
        name="invitation_cancel",
    ),
    path("comptes/", include(accounts)),
    path("partenaires/", include("partners.urls")),
    path("entreprises/", include("companies.urls")),
    path("referents/", include("referents.urls")),
    path("feuilles-de-route/", include("roadmaps.urls")),
    path("communes/", include("referents.commune_urls")),
    path("evenements/", include("referents.event_urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.site_urls")),  # sitemap.xml, robots.txt
    path(
        "mentions-legales/",
        views.legal_page,
        {"template": "portal/legal_notice.html"},
        name="legal_notice",
    ),
    path(
        "donnees-personnelles/",
        views.legal_page,
        {"template": "portal/privacy.html"},
        name="privacy",
    ),
    path(
        "accessibilite/",
        views.legal_page,
        {"template": "portal/accessibility.html"},
        name="accessibility",
    ),
    path("sante/", views.health, name="health"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
