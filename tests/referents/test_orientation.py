import datetime
import logging

from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from referents.models import OrientationCount


def test_form_says_nothing_is_stored(referent_client, territory):
    response = referent_client.get(reverse("referents:orientation", args=[territory.slug]))
    assert "Aucune donnée personnelle n'est conservée" in response.content.decode()


def boxes(response):
    form = response.context["form"]
    return {item.answer_label: name for name, item in form.items.items()}


def test_orientation_lists_matching_partners_with_reason(
    territory, referent_client, soyaux, mission_locale, france_travail
):
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    data = {
        "commune": soyaux.pk,
        names["A moins de 26 ans"]: "on",
        names["A besoin d'une solution de mobilité"]: "on",
    }
    response = referent_client.post(reverse("referents:orientation", args=[territory.slug]), data)
    matches = response.context["matches"]
    assert [m.partner for m in matches] == [mission_locale]
    assert matches[0].reason == "Mission locale : jeunes, mobilité, zone : Grand Angoulême"
    assert "Vos contacts pour l'emploi" in response.content.decode()


def test_orientation_keeps_no_personal_data(
    territory, referent_client, soyaux, mission_locale, caplog
):
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    secret = "Zébulon-Secret-4242"
    data = {
        "commune": soyaux.pk,
        names["A moins de 26 ans"]: "on",
        names["Situation de handicap ou RQTH"]: "on",
        names["A besoin d'une solution de mobilité"]: "on",
        "nom": secret,  # an extra field a browser could send: must be ignored
    }
    session_before = dict(referent_client.session.items())
    with caplog.at_level(logging.DEBUG):
        response = referent_client.post(
            reverse("referents:orientation", args=[territory.slug]), data
        )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    # The session holds no new key and nothing of the answers.
    session_after = dict(referent_client.session.items())
    assert session_after.keys() == session_before.keys()
    assert not any(
        secret in str(value) or "handicap" in str(value) for value in session_after.values()
    )
    # No log line holds the answers.
    assert secret not in caplog.text and "handicap" not in caplog.text.lower()
    # One anonymous count: date, commune, needs (themes) — no public, no age, no free text.
    count = OrientationCount.objects.get()
    assert count.commune == soyaux
    assert [theme.slug for theme in count.needs.all()] == ["mobilite"]
    # No row anywhere holds the typed text or the disability answer.
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.get_internal_type() in {"CharField", "TextField"}:
                    table, column = model._meta.db_table, field.column
                    cursor.execute(
                        f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" LIKE %s', [f"%{secret}%"]
                    )
                    assert cursor.fetchone()[0] == 0, (table, column)
    count_fields = {field.name for field in OrientationCount._meta.get_fields()}
    assert count_fields == {"id", "territory", "date", "commune", "needs", "unmet_needs"}


def test_crafted_commune_of_another_territory_gets_a_message(
    territory, referent_client, other_territory
):
    bergerac = other_territory.communes.get()
    response = referent_client.post(
        reverse("referents:orientation", args=[territory.slug]), {"commune": bergerac.pk}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not OrientationCount.objects.exists()


def test_observatory_shows_needs_by_commune_and_month(territory, as_persona, soyaux):
    referent_client = as_persona("referent")
    names = boxes(referent_client.get(reverse("referents:orientation", args=[territory.slug])))
    referent_client.post(
        reverse("referents:orientation", args=[territory.slug]),
        {"commune": soyaux.pk, names["A besoin d'aide avec le numérique"]: "on"},
    )
    response = as_persona("coordinator").get(
        reverse("referents:observatory", args=[territory.slug])
    )
    row = response.context["rows"][0]
    assert row["commune"] == "Soyaux" and row["total"] == "moins de 5"
    assert row["needs"] == [("Numérique", "moins de 5")]


def test_observatory_never_shows_a_day_nor_fewer_than_five(
    as_persona, territory, soyaux, django_assert_num_queries
):
    from partners.models import Theme
    from referents.services import count_orientation

    digital, health = (Theme.objects.get(slug=slug) for slug in ["numerique", "sante"])
    today = timezone.localdate()
    for day in range(1, 7):  # six interviews on six days of this month
        needs = [digital] if day <= 5 else [health]
        unmet = [health] if day == 6 else []
        count = count_orientation(territory=territory, commune=soyaux, themes=needs, unmet=unmet)
        OrientationCount.objects.filter(pk=count.pk).update(date=today.replace(day=day))
    client = as_persona("coordinator")
    # session, user, memberships, then per month and commune: interviews, needs, unmet needs;
    # the map: interviews per commune, the communes with their outline
    with django_assert_num_queries(8):
        response = client.get(reverse("referents:observatory", args=[territory.slug]))
    [row] = response.context["rows"]
    assert row["total"] == 6
    assert row["needs"] == [("Numérique", 5), ("Santé", "moins de 5")]
    assert row["unmet"] == [("Santé", "moins de 5")]
    text = response.text
    assert "Santé · moins de 5" in text and "Numérique · 5" in text
    assert f"{date_format(today, 'F Y')}".lower() in text.lower()
    for day in range(2, 7):
        assert date_format(today.replace(day=day), "j F Y") not in text


def test_the_admin_shows_interviews_by_month_only(as_persona, territory, soyaux):
    from referents.services import count_orientation

    count = count_orientation(territory=territory, commune=soyaux, themes=[])
    OrientationCount.objects.filter(pk=count.pk).update(date=datetime.date(2026, 3, 17))
    staff = as_persona("staff")
    listing = staff.get(reverse("admin:referents_orientationcount_changelist"))
    assert "Mars 2026" in listing.text or "mars 2026" in listing.text
    assert "17" not in listing.text.split("<tbody>")[1].split("</tbody>")[0]
    detail = staff.get(reverse("admin:referents_orientationcount_change", args=[count.pk]))
    assert detail.status_code == 200 and "17 mars" not in detail.text


def test_the_observatory_map_shades_communes_without_revealing_small_counts(
    as_persona, territory, communes, soyaux
):
    from portal.maps import COUNT_STYLES
    from portal.models import CommuneOutline
    from referents.services import count_orientation

    angouleme = communes[0]
    for index, commune in enumerate(communes):
        CommuneOutline.objects.create(
            commune=commune, path="M0 0l1 0 0 1z", x_min=index, y_min=0, x_max=index + 1, y_max=1
        )
    for _ in range(6):
        count_orientation(territory=territory, commune=soyaux, themes=[])
    count_orientation(territory=territory, commune=angouleme, themes=[])
    response = as_persona("coordinator").get(
        reverse("referents:observatory", args=[territory.slug])
    )
    figure = response.context["map"]
    shades = {label: style.key for _outline, style, label, _href in figure.areas}
    assert shades == {
        "Angoulême : moins de 5": "n0",  # one interview: the same shade as none
        "Champniers : 0": "n0",  # none: 0, in the same shade
        "Soyaux : 6": "n5",
    }
    table = [(row["commune"].name, str(row["value"])) for row in response.context["commune_rows"]]
    assert table == [("Angoulême", "moins de 5"), ("Champniers", "0"), ("Soyaux", "6")]
    legend = [(item.style.label, item.count) for item in response.context["legend"]]
    assert legend == [(style.label, {"n0": 2, "n5": 1}.get(style.key, 0)) for style in COUNT_STYLES]
    assert "Angoulême : 1" not in response.text
