"""What a browser sends when a user submits a page's form without touching it."""

from html.parser import HTMLParser

TEXT_INPUTS = {"text", "hidden", "date", "datetime-local", "number", "email", "url", "tel", ""}


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # [[(name, value)]] in document order
        self.select = None  # (name, multiple, [(value, selected)])
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([] if (attrs.get("method") or "").lower() == "post" else None)
            return
        data = self.forms[-1] if self.forms else None
        if data is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "").lower()
            if kind in TEXT_INPUTS:
                data.append((name, attrs.get("value") or ""))
            elif kind in {"checkbox", "radio"} and "checked" in attrs:
                data.append((name, attrs.get("value", "on")))
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs, [])
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select[2].append(self.option)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, text):
        if self.option is not None:
            self.option[2] += text
        if self.textarea is not None:
            self.textarea[1] += text

    def handle_endtag(self, tag):
        data = self.forms[-1] if self.forms else None
        if tag == "select" and self.select is not None:
            name, multiple, options = self.select
            values = [value if value is not None else text for value, sel, text in options if sel]
            if not values and not multiple and options:
                first = options[0]
                values = [first[0] if first[0] is not None else first[2]]
            data.extend((name, value) for value in values)
            self.select = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            data.append((name, text.removeprefix("\n")))
            self.textarea = None


def unchanged_submission(response):
    """The page's main POST form (the one with the most fields, not the header's) as a browser
    submits it untouched: {name: [values]} (the test client posts a list as repeated values)."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    form = max((form for form in reader.forms if form is not None), key=len)
    submitted = {}
    for name, value in form:
        submitted.setdefault(name, []).append(value)
    submitted.pop("csrfmiddlewaretoken", None)
    return submitted
