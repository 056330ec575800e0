from django.urls import path, register_converter

from roadmaps.views import (
    actions,
    axes,
    dashboard,
    diagnostic,
    needs,
    roadmaps,
    signal_trends,
    signals,
)


class DirectionConverter:
    """`monter` (one place up) or `descendre` (one place down)."""

    regex = "monter|descendre"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DirectionConverter, "direction")

app_name = "roadmaps"

urlpatterns = [
    path("", roadmaps.roadmap_list, name="list"),
    path("<slug:slug>/", roadmaps.roadmap_detail, name="detail"),
    path("<slug:slug>/modifier/", roadmaps.roadmap_form, name="update"),
    path("<slug:slug>/valider/", roadmaps.roadmap_validate, name="validate"),
    path("<slug:slug>/versions/", roadmaps.version_list, name="versions"),
    path("<slug:slug>/publication/", roadmaps.roadmap_publication, name="publication"),
    path("<slug:slug>/diagnostic/indicateurs/", diagnostic.facts_update, name="facts_update"),
    path("<slug:slug>/tableau-de-bord/", dashboard.dashboard, name="dashboard"),
    path("<slug:slug>/tableau-de-bord.pdf", dashboard.dashboard_pdf, name="dashboard_pdf"),
    path("<slug:slug>/actions.csv", dashboard.actions_export, {"fmt": "csv"}, name="export_csv"),
    path("<slug:slug>/actions.xlsx", dashboard.actions_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<slug:slug>/axes/ajouter/", axes.axis_create, name="axis_create"),
    path("<slug:slug>/axes/<int:number>/modifier/", axes.axis_update, name="axis_update"),
    path(
        "<slug:slug>/axes/<int:number>/<direction:direction>/",
        axes.axis_move,
        name="axis_move",
    ),
    path(
        "<slug:slug>/axes/<int:number>/actions/ajouter/",
        actions.action_create,
        name="action_create",
    ),
    path("<slug:slug>/actions/<int:pk>/", actions.action_detail, name="action"),
    path("<slug:slug>/actions/<int:pk>/modifier/", actions.action_update, name="action_update"),
    path(
        "<slug:slug>/actions/<int:pk>/changer-d-axe/",
        actions.action_move_axis,
        name="action_move_axis",
    ),
    path(
        "<slug:slug>/actions/<int:pk>/<direction:direction>/",
        actions.action_move,
        name="action_move",
    ),
    path("<slug:slug>/actions/<int:pk>/etapes/ajouter/", actions.step_create, name="step_create"),
    path(
        "<slug:slug>/actions/<int:pk>/etapes/<int:step_pk>/marquer/",
        actions.step_mark,
        name="step_mark",
    ),
    path(
        "<slug:slug>/actions/<int:pk>/points-d-etape/ajouter/",
        actions.progress_create,
        name="progress_create",
    ),
    path(
        "<slug:slug>/actions/<int:pk>/indicateurs/ajouter/",
        actions.indicator_create,
        name="indicator_create",
    ),
    path(
        "<slug:slug>/actions/<int:pk>/indicateurs/<int:indicator_pk>/valeurs/ajouter/",
        actions.indicator_value_create,
        name="indicator_value_create",
    ),
    path("<slug:slug>/besoins/<int:pk>/action/", needs.need_action, name="need_action"),
    path("<slug:slug>/signaux/", signals.signal_list, name="signals"),
    path("<slug:slug>/signaux/nouveau/", signals.signal_create, name="signal_create"),
    path("<slug:slug>/signaux/tendances/", signal_trends.signal_trends, name="signal_trends"),
    path("<slug:slug>/signaux/<int:pk>/", signals.signal_detail, name="signal"),
    path("<slug:slug>/signaux/<int:pk>/modifier/", signals.signal_update, name="signal_update"),
    path("<slug:slug>/signaux/<int:pk>/trier/", signals.signal_triage, name="signal_triage"),
    path("<slug:slug>/signaux/<int:pk>/action/", signals.signal_action, name="signal_action"),
    path("<slug:slug>/signaux/<int:pk>/regrouper/", signals.signal_group, name="signal_group"),
    path(
        "<slug:slug>/signaux/<int:pk>/degrouper/",
        signals.signal_ungroup,
        name="signal_ungroup",
    ),
]
