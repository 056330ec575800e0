"""Import of commune outlines (`manage.py import_contours`): any GeoJSON FeatureCollection whose
features carry the commune's INSEE code in a property (`code` in the files of
`france-geojson` / Admin Express converted, or `INSEE_COM`, `insee`, `codgeo`…).

Each feature is matched to a known commune by its code, projected and stored (portal/maps.py).
A feature of an unknown commune is skipped and reported; a commune of a territory left without an
outline is reported, not an error (millésimes differ: communes nouvelles). All or nothing: a file
that cannot be read, or that holds no usable feature, changes nothing. A re-import updates.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction

from portal.maps import outline_from_geometry
from portal.models import Commune, CommuneOutline

CODE_PROPERTIES = ("code", "INSEE_COM", "insee_com", "insee", "codgeo", "CODGEO", "code_insee")


class ContoursFailed(Exception):
    """The file cannot be used: nothing was written."""


@dataclass
class ContoursReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unknown: list = field(default_factory=list)  # codes of features matching no commune
    empty: list = field(default_factory=list)  # codes whose outline vanished at map resolution
    missing: list = field(default_factory=list)  # territories' communes still without outline

    def lines(self):
        yield (
            f"{self.created} contour(s) créé(s), {self.updated} mis à jour, "
            f"{self.unchanged} inchangé(s)."
        )
        if self.unknown:
            shown = ", ".join(self.unknown[:10]) + (" …" if len(self.unknown) > 10 else "")
            yield f"{len(self.unknown)} tracé(s) ignoré(s), commune inconnue : {shown}"
        if self.empty:
            empty = ", ".join(self.empty)
            yield f"{len(self.empty)} tracé(s) vide(s) à l'échelle de la carte : {empty}"
        if self.missing:
            shown = ", ".join(self.missing[:10]) + (" …" if len(self.missing) > 10 else "")
            yield (
                f"{len(self.missing)} commune(s) des territoires sans contour (carte "
                f"incomplète, tableau complet) : {shown}"
            )


def feature_code(properties, code_property=None):
    keys = (code_property,) if code_property else CODE_PROPERTIES
    for key in keys:
        value = (properties or {}).get(key)
        if value not in (None, ""):
            return str(value).strip().upper().zfill(5)
    return None


def read_features(source):
    """The features of a GeoJSON file (a path or an open binary/text file)."""
    try:
        if hasattr(source, "read"):
            data = json.load(source)
        else:
            with open(source, "rb") as handle:
                data = json.load(handle)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ContoursFailed(f"Fichier GeoJSON illisible : {error}") from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ContoursFailed("Le fichier n'est pas une FeatureCollection GeoJSON.")
    features = data.get("features")
    if not isinstance(features, list):
        raise ContoursFailed("La FeatureCollection n'a pas de liste « features ».")
    return features


def import_contours(source, *, code_property=None, label=""):
    """Store the outlines of `source`'s features; a ContoursReport. All or nothing."""
    features = read_features(source)
    by_code = {}
    report = ContoursReport()
    for feature in features:
        if not isinstance(feature, dict):
            continue
        code = feature_code(feature.get("properties"), code_property)
        if code and isinstance(feature.get("geometry"), dict):
            by_code[code] = feature["geometry"]
    if not by_code:
        wanted = ", ".join((code_property,) if code_property else CODE_PROPERTIES)
        raise ContoursFailed(
            f"Aucune entité ne porte de code INSEE (propriétés cherchées : {wanted})."
        )
    communes = dict(Commune.objects.filter(insee_code__in=by_code).values_list("insee_code", "pk"))
    report.unknown = sorted(set(by_code) - set(communes))
    existing = {
        outline.commune_id: outline
        for outline in CommuneOutline.objects.filter(commune_id__in=communes.values())
    }
    to_create, to_update = [], []
    for code, commune_id in sorted(communes.items()):
        try:
            shape = outline_from_geometry(by_code[code], code)
        except (TypeError, ValueError, IndexError) as error:
            raise ContoursFailed(f"Tracé illisible pour la commune {code} : {error}") from error
        if shape is None:
            report.empty.append(code)
            continue
        path, (x_min, y_min, x_max, y_max) = shape
        values = {
            "path": path,
            "x_min": x_min,
            "y_min": y_min,
            "x_max": x_max,
            "y_max": y_max,
            "source": label[:200],
        }
        outline = existing.get(commune_id)
        if outline is None:
            to_create.append(CommuneOutline(commune_id=commune_id, **values))
        elif any(getattr(outline, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(outline, key, value)
            to_update.append(outline)
        else:
            report.unchanged += 1
    with transaction.atomic():
        CommuneOutline.objects.bulk_create(to_create, batch_size=500)
        CommuneOutline.objects.bulk_update(
            to_update,
            ["path", "x_min", "y_min", "x_max", "y_max", "source", "updated_at"],
            batch_size=500,
        )
    report.created, report.updated = len(to_create), len(to_update)
    report.missing = sorted(
        Commune.objects.filter(epci__territories__isnull=False, outline__isnull=True)
        .values_list("insee_code", flat=True)
        .distinct()
    )
    return report
