from django.urls import path

from referents.views import guide, meetings, network, orientation, outline

app_name = "referents"

urlpatterns = [
    path("", network.network, name="list"),
    path("ajouter/", network.referent_create, name="create"),
    path("<int:pk>/", network.referent_detail, name="detail"),
    path("<int:pk>/modifier/", network.referent_update, name="update"),
    path("rendez-vous/", meetings.meeting_list, name="meeting_list"),
    path("rendez-vous/nouveau/", meetings.meeting_create, name="meeting_create"),
    path("rendez-vous/assiduite/", meetings.attendance_rates, name="attendance"),
    path("rendez-vous/agenda/renouveler/", meetings.calendar_renew, name="calendar_renew"),
    path(
        "rendez-vous/agenda/<slug:territory_slug>/<str:token>.ics",
        meetings.calendar,
        name="calendar",
    ),
    path("rendez-vous/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("rendez-vous/<int:pk>/modifier/", meetings.meeting_update, name="meeting_update"),
    path("rendez-vous/<int:pk>/presences/", meetings.meeting_attendance, name="meeting_attendance"),
    path("guide/", guide.guide, name="guide"),
    path("guide/pdf/", guide.guide, {"as_pdf": True}, name="guide_pdf"),
    path("orientation/", orientation.orientation, name="orientation"),
    path("orientation/observatoire/", orientation.observatory, name="observatory"),
    path("trame/", outline.outline, name="outline"),
    path("trame/trame-par-defaut/", outline.outline_install, name="outline_install"),
    path("trame/sections/nouvelle/", outline.section_create, name="section_create"),
    path("trame/sections/<int:pk>/", outline.section_update, name="section_update"),
    path("trame/sections/<int:pk>/supprimer/", outline.section_delete, name="section_delete"),
]
