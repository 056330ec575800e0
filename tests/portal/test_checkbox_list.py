"""CheckboxList (portal.forms): the checkbox lists that replace <select multiple> in the
portal's forms, grouped, in a fieldset, with their errors."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from partners.models import Category, Partner
from portal.forms import CheckboxList
from tests.factories import AxisFactory, MeetingFactory, PartnerFactory, RoadmapFactory


class PartnersForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label="Partenaires",
        queryset=Partner.objects.select_related("category"),
        widget=CheckboxList(group_by=lambda partner: partner.category.label),
    )


def render_crispy(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


@pytest.fixture
def partners(territory):
    return [
        PartnerFactory(territory=territory, name="Mission locale Est"),
        PartnerFactory(
            territory=territory,
            name="Afpa Angoulême",
            category=Category.objects.get(slug="afpa"),
        ),
    ]


def test_choices_fall_in_one_fieldset_per_group_inside_the_fields_fieldset(partners):
    html = render_crispy(PartnersForm())
    assert "<select" not in html
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Partenaires", html)
    legends = re.findall(r'<legend class="checkbox-list-legend">([^<]+)</legend>', html)
    assert legends == sorted(legends) and len(legends) == 2
    assert html.count('type="checkbox"') == 2


def test_a_single_group_is_shown_flat(partners):
    Partner.objects.update(category=partners[0].category)
    html = render_crispy(PartnersForm())
    assert "checkbox-list-legend" not in html
    assert html.count('type="checkbox"') == 2


def test_errors_are_shown_and_the_list_is_marked_invalid(partners):
    form = PartnersForm({"partners": ["999999"]})
    html = render_crispy(form)
    assert 'class="checkbox-list is-invalid"' in html
    assert "invalid-feedback" in html and "999999" in html


def test_long_lists_ask_for_the_filter_box(partners):
    short = render_crispy(PartnersForm())
    assert "data-checkbox-list" not in short
    form = PartnersForm()
    form.fields["partners"].widget.filter_from = 2
    assert "data-checkbox-list" in render_crispy(form)


@pytest.mark.parametrize(
    "url",
    [
        lambda meeting, partner: reverse("roadmaps:action_create", args=["grand-angouleme", 1]),
        lambda meeting, partner: reverse("partners:update", args=[partner.slug]),
        lambda meeting, partner: reverse("referents:meeting_update", args=[meeting.pk]),
        lambda meeting, partner: reverse("referents:meeting_attendance", args=[meeting.pk]),
    ],
    ids=["action", "partner", "meeting", "attendance"],
)
def test_portal_forms_have_no_multiple_select(coordinator_client, territory, partners, url):
    AxisFactory(roadmap=RoadmapFactory(territory=territory), number=1)
    meeting = MeetingFactory(territory=territory)
    html = coordinator_client.get(url(meeting, partners[0])).content.decode()
    assert not any("multiple" in tag for tag in re.findall(r"<select[^>]*>", html))
    assert 'class="checkbox-list' in html
