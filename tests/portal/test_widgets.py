"""portal.widgets.LongSelect: the markup of forms.Select, written without a template per option."""

from html.parser import HTMLParser

from django import forms

from portal.widgets import LongSelect


class Tree(HTMLParser):
    """Every start tag with its sorted attributes, and the text, in order (spaces ignored)."""

    def __init__(self, html):
        super().__init__()
        self.items = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, sorted((name, value or "") for name, value in attrs)))

    def handle_endtag(self, tag):
        self.items.append(("/" + tag,))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data.strip()))


CHOICES = [
    ("", "Tous"),
    ("grand-angouleme", "Grand Angoulême"),
    ("a&b", 'Les "quotes" <et> & co'),
    ("Charente", [("16015", "Angoulême"), ("16374", "Soyaux")]),
]


def render(widget_class, value, attrs):
    class Form(forms.Form):
        field = forms.ChoiceField(choices=CHOICES, required=False, widget=widget_class)

    form = Form({"field": value} if value is not None else None)
    return form["field"].as_widget(attrs=attrs)


def test_same_markup_as_django_select():
    attrs = {"class": "form-select", "aria-describedby": "aide"}
    for value in (None, "", "16374", "a&b", "inconnu"):
        ours, django = render(LongSelect, value, attrs), render(forms.Select, value, attrs)
        assert Tree(ours).items == Tree(django).items, value
    chosen = render(LongSelect, "16374", attrs)
    assert '<option value="16374" selected>Soyaux</option>' in chosen
    assert "&lt;et&gt; &amp; co" in chosen and "&quot;quotes&quot;" in chosen
