"""The "Căn cứ" lines of a decision: the texts in force on the day it is signed, then the
campaign's plan."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...models import Campaign, db
from ...models.documents import LegalBasis
from .formatting import BLANK_NUMBER, clean, date_words


def in_force(day: date) -> list[LegalBasis]:
    rows = db.session.scalars(select(LegalBasis).order_by(LegalBasis.position, LegalBasis.code))
    return [row for row in rows if row.in_force_on(day)]


def plan_citation(campaign: Campaign, issuer_name: str) -> str:
    """ "Kế hoạch số 34/KH-UBND ngày 04 tháng 3 năm 2021 của Ủy ban nhân dân … về …"."""
    number = clean(campaign.plan_number)
    parts = ["Kế hoạch"]
    if number:
        # A plan recorded without its number ("/KH-UBND") is cited as printed: number blank.
        parts.append(f"số {BLANK_NUMBER}{number}" if number.startswith("/") else f"số {number}")
    if campaign.plan_date:
        parts.append(date_words(campaign.plan_date))
    parts.append(f"của {issuer_name} về {lower_first(clean(campaign.name))}")
    return " ".join(parts)


def lower_first(text: str) -> str:
    """The campaign's name inside a sentence: its first word loses its capital, unless the
    word is a proper noun or an abbreviation (all capitals, like "NTM")."""
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return text
    return text[0].lower() + text[1:]


def citations(day: date, campaign: Campaign, plan_issuer_name: str) -> list[str]:
    lines = [row.citation for row in in_force(day)]
    lines.append(plan_citation(campaign, plan_issuer_name))
    return lines
