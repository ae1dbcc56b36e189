"""Filling a .docx template: docxtpl over python-docx, Jinja with autoescape on (a name with
& or < would otherwise corrupt the XML) and strict undefined (a misspelt tag fails loudly
instead of printing nothing), then the package rules of package.py."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime

from docx.document import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError
from lxml import etree

from . import package


class TemplateBroken(Exception):
    """The template cannot be read or filled: a Jinja syntax error, an unknown tag."""


def environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)


def open_template(data: bytes) -> DocxTemplate:
    """The template, its package read now: DocxTemplate reads lazily, and a zip that is no
    .docx (no [Content_Types].xml, broken XML) would otherwise fail later as a KeyError."""
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.init_docx()
    except Exception as exc:  # python-docx raises several types for a file that is no .docx
        raise TemplateBroken(f"not a Word document: {exc}") from exc
    return template


def declared_variables(data: bytes) -> set[str]:
    """The top-level names a template uses; a syntax error raises TemplateBroken."""
    try:
        return open_template(data).get_undeclared_template_variables(environment())
    except TemplateError as exc:
        raise TemplateBroken(f"{type(exc).__name__}: {exc}") from exc


def render(
    data: bytes,
    context: dict,
    *,
    title: str,
    author: str,
    day: date,
    adjust: Callable[[Document], None] | None = None,
) -> bytes:
    template = open_template(data)
    try:
        template.render(context, environment(), autoescape=True)
    except (TemplateError, etree.LxmlError) as exc:
        # An edited template whose tags leave broken XML (a {%p %} cut across a table) fails
        # here, as does a field it names that the context lacks.
        raise TemplateBroken(f"{type(exc).__name__}: {exc}") from exc
    document = template.docx
    package.normalise(document)
    if adjust is not None:
        adjust(document)
    package.stamp(document, title=title, author=author, moment=datetime(day.year, day.month, day.day))
    return package.save(document)
