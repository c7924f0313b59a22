"""Reading a rendered customer form the way a browser would submit it (for the form tests)."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.values: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.disabled: set[str] = set()
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            if "disabled" in a:
                self.disabled.add(name)
                return
            kind = a.get("type", "text")
            if kind == "checkbox":
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            elif kind not in ("submit", "button"):
                self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            if "disabled" in a:
                self.disabled.add(name)
            self._select = name
            self._select_first = None
            self.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self.options[self._select].append(value)
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and self._select not in self.disabled:
                self.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if self._select not in self.values and self._select not in self.disabled:
                self.values[self._select] = self._select_first or ""
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.values[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def read_form(html: str | bytes, form_id: str = "customer-form") -> _FormReader:
    reader = _FormReader(form_id)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return reader


def form_values(html: str | bytes, form_id: str = "customer-form") -> dict[str, str]:
    """What the browser would send for the form (without the CSRF token)."""
    values = dict(read_form(html, form_id).values)
    values.pop("csrfmiddlewaretoken", None)
    return values


def field_errors(html: str | bytes, name: str) -> list[str]:
    """The error messages rendered under one field."""
    text = html.decode() if isinstance(html, bytes) else html
    match = re.search(
        rf'<div class="field[^"]*" id="form-field-{re.escape(name)}"[^>]*>(.*?)</div>',
        text,
        re.S,
    )
    if not match:
        return []
    return [_unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def _unescape(text: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
