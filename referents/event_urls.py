"""The public events (/evenements/): visitors reach every page here."""

from django.urls import path

from referents.views import events

app_name = "events"

urlpatterns = [
    path("", events.event_list, name="list"),
    path("tous.ics", events.feed, name="feed_all"),
    path("annulation/<str:token>/", events.registration_cancel, name="cancel"),
    path("<int:pk>-<slug:slug>/", events.event_detail, name="detail"),
    path("<int:pk>-<slug:slug>.ics", events.event_ics, name="ics"),
    path("<slug:territory_slug>.ics", events.feed, name="feed"),
]
