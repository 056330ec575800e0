"""The follow-up pages of an establishment: échanges, needs and projects, rappels, contacts."""


def establishment_followup_context(request, establishment, territory, can_edit):
    """What the establishment's page shows of its follow-up (templates
    companies/_followup.html and companies/_followup_aside.html): a dict merged into the page's
    context. Called once by register.establishment_detail."""
    return {}
