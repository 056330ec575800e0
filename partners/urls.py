from django.urls import path

from partners.views import directory, editing, exports, network

app_name = "partners"

urlpatterns = [
    path("", directory.partner_list, name="list"),
    path("nouveau/", editing.partner_create, name="create"),
    path("a-verifier/", editing.review_queue, name="review"),
    # The old address (territory from ?territoire= or the session) redirects to the new one.
    path("a-verifier/reseau/", network.legacy_network, name="legacy_network"),
    path("a-verifier/reseau/<slug:territory>/", network.network, name="network"),
    path(
        "a-verifier/reseau/<slug:territory>/<slug:slug>/accepter/",
        network.network_accept,
        name="network_accept",
    ),
    path(
        "a-verifier/reseau/<slug:territory>/<slug:slug>/ecarter/",
        network.network_decline,
        name="network_decline",
    ),
    path("export.csv", exports.export_csv, name="export_csv"),
    path("export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("export.json", exports.export_json, name="export_json"),
    path("signalements/<int:pk>/traiter/", editing.report_resolve, name="report_resolve"),
    path("<slug:slug>/", directory.partner_detail, name="detail"),
    path("<slug:slug>/modifier/", editing.partner_update, name="update"),
    path("<slug:slug>/verifier/", editing.partner_verify, name="verify"),
    path("<slug:slug>/signaler/", editing.partner_report, name="report"),
    path("<slug:slug>/vcard/", exports.partner_vcard, name="vcard"),
    path("<slug:slug>/contacts/<int:pk>/vcard/", exports.contact_vcard, name="contact_vcard"),
]
