"""The reference lists: the data·inclusion schema v1 vocabularies, read from the official package
`data-inclusion-schema` (never copied by hand), plus the portal's own additions.

The additions (a few partner categories, the public `employeurs`, the theme `recruter`) are stored
with `is_standard=False`: the portal shows and filters them, and never exports them as
data·inclusion values (docs/partners.md).

Imported by migrations: keep it free of model imports.
"""

from data_inclusion.schema import v1

# Local additions: (slug, label). Never exported as data·inclusion values.
LOCAL_CATEGORIES = [
    ("organisme-de-formation", "Organisme de formation / CFA"),
    ("etablissement-scolaire", "Établissement scolaire"),
    ("club-entreprises", "Club d'entreprises"),
    ("service-etat", "Service de l'État"),
    ("autre", "Autre"),
]
LOCAL_PUBLICS = [("employeurs", "Employeurs")]
LOCAL_THEMES = [("recruter", "Recruter")]

# Positions: the standard values in the package's order (labels for réseaux porteurs), the local
# additions after them.
LOCAL_POSITION = 1000
# A sub-theme's position: its category's position × SUBTHEME_STEP + its rank in the category.
SUBTHEME_STEP = 100


def _clean(label):
    # The package writes typographic apostrophes; the portal's labels use the plain one.
    return label.replace("\u2019", "'")


def categories():
    """[(slug, label, is_standard, position)]: every *réseau porteur*, then the local ones."""
    standard = sorted(v1.ReseauPorteur, key=lambda item: _clean(item.label).lower())
    rows = [(item.value, _clean(item.label), True, i) for i, item in enumerate(standard)]
    rows += [
        (slug, label, False, LOCAL_POSITION + i) for i, (slug, label) in enumerate(LOCAL_CATEGORIES)
    ]
    return rows


def publics():
    """[(slug, label, is_standard, position)]: every v1 *public*, then the local ones."""
    rows = [(item.value, _clean(item.label), True, i) for i, item in enumerate(v1.Public)]
    rows += [
        (slug, label, False, LOCAL_POSITION + i) for i, (slug, label) in enumerate(LOCAL_PUBLICS)
    ]
    return rows


def themes():
    """[(slug, label, is_standard, position, parent_slug)]: the 16 v1 categories of thématiques
    (parent None), each followed by its sub-themes (the only values v1 accepts in a service's
    `thematiques`), then the local themes (top level)."""
    rows = []
    for rank, category in enumerate(v1.Categorie):
        position = (rank + 1) * SUBTHEME_STEP
        rows.append((category.value, _clean(category.label), True, position, None))
        children = [item for item in v1.Thematique if item.value.startswith(category.value + "--")]
        for child_rank, item in enumerate(children, start=1):
            rows.append(
                (item.value, _clean(item.label), True, position + child_rank, category.value)
            )
    start = (len(v1.Categorie) + 1) * SUBTHEME_STEP
    rows += [
        (slug, label, False, start + i * SUBTHEME_STEP, None)
        for i, (slug, label) in enumerate(LOCAL_THEMES)
    ]
    return rows


def sync(category_model, public_model, theme_model):
    """Create or update every reference item from the package (labels, positions, flags).
    Takes the models as arguments so that a data migration can pass its historical ones.
    Items no longer in the package are kept (records may use them), marked as not standard."""
    for model, rows in ((category_model, categories()), (public_model, publics())):
        for slug, label, is_standard, position in rows:
            model.objects.update_or_create(
                slug=slug,
                defaults={"label": label, "is_standard": is_standard, "position": position},
            )
        model.objects.exclude(slug__in=[row[0] for row in rows]).update(is_standard=False)
    rows = themes()
    for slug, label, is_standard, position, _parent in rows:
        theme_model.objects.update_or_create(
            slug=slug,
            defaults={"label": label, "is_standard": is_standard, "position": position},
        )
    by_slug = {theme.slug: theme for theme in theme_model.objects.all()}
    for slug, _label, _is_standard, _position, parent in rows:
        theme = by_slug[slug]
        parent_id = by_slug[parent].pk if parent else None
        if theme.parent_id != parent_id:
            theme.parent_id = parent_id
            theme.save(update_fields=["parent"])
    theme_model.objects.exclude(slug__in=[row[0] for row in rows]).update(is_standard=False)


# Migration 0002 (before `is_standard` on publics and themes and before sub-themes) seeds these.
CATEGORIES = [(slug, label, is_standard) for slug, label, is_standard, _ in categories()]
PUBLICS = [(slug, label) for slug, label, _is_standard, _ in publics()]
THEMES = [(slug, label) for slug, label, _s, _p, parent in themes() if parent is None]
