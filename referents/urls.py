from django.urls import path

from referents import views

app_name = "referents"

urlpatterns = [
    path("", views.index, name="list"),
]
