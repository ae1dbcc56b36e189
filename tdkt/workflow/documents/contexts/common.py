"""What every document's context shares: the Draft it is built into, nominee rows in the order
lists print them (collectives, then individuals), counts and names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from docx.document import Document

from ....models import AwardForm, Campaign, Nomination, Unit
from ... import rule_versions
from ...clock import local_today
from ...payload import ascii_int
from .. import issuers
from ..formatting import clean, date_words, number_ref, place_date
from ..issuers import Issuer, Signature
from ..legal import lower_first

ACHIEVEMENT_CHARS = 220
KIND_ORDER = {"collective": 0, "individual": 1}
HANDWRITTEN = "." * 40


@dataclass
class Draft:
    """A document ready to render: which template, with what, for whom."""

    template_kind: str
    context: dict
    title: str
    filename: str
    author: str
    day: date
    # (object_type, object_id) of an issued document: its template version is kept for good.
    pin: tuple[str, int] | None = None
    audit: dict = field(default_factory=dict)
    adjust: Callable[[Document], None] | None = None


def signature(sig: Signature) -> dict:
    return {"lines": list(sig.lines), "name": sig.name}


def letterhead_fields(issuer: Issuer, number: int | str | None, symbol: str, day: date | None) -> dict:
    """The header, "Số:" and the place-and-date line; no number and no day leave them blank
    for the văn thư, with today's month and year."""
    return {
        "header": issuer.letterhead(),
        "number": reference(number, symbol),
        "place_date": place_date(issuer.place_name, day or local_today(), blank_day=day is None),
        "signature": signature(issuer.signature),
    }


def reference(number: int | str | None, symbol: str) -> str:
    """A number as recorded (an int, "5", or a full "05/TTr-UBND") in NĐ 30 form."""
    if number is None or (isinstance(number, str) and not clean(number)):
        return number_ref(None, symbol)
    if isinstance(number, int):
        return number_ref(number, symbol)
    text = clean(number)
    plain = ascii_int(text)
    return text if plain is None else number_ref(plain, symbol)


def dated_reference(label: str, number: int | str | None, symbol: str, day: date | None) -> str:
    """ "Tờ trình số 05/TTr-UBND ngày 05 tháng 01 năm 2026" (blank while not issued)."""
    when = date_words(day) if day else date_words(local_today(), blank_day=True)
    return f"{label} số {reference(number, symbol)} {when}"


def ordered(nominations: Iterable[Nomination]) -> list[Nomination]:
    return sorted(nominations, key=lambda n: (KIND_ORDER.get(n.nominee_kind, 2), n.unit.path, n.id))


def split(nominations: Iterable[Nomination]) -> tuple[list[Nomination], list[Nomination]]:
    rows = ordered(nominations)
    return (
        [n for n in rows if n.nominee_kind == "collective"],
        [n for n in rows if n.nominee_kind != "collective"],
    )


def count(n: int) -> str:
    """Counts in administrative prose carry a leading zero below 10: "02 tập thể"."""
    return f"{n:02d}"


def counts(collectives: list, individuals: list) -> dict:
    """The counts, and the phrase prose uses: "02 tập thể và 04 cá nhân", "01 cá nhân"."""
    parts = [f"{count(len(rows))} {label}" for rows, label in ((collectives, "tập thể"), (individuals, "cá nhân")) if rows]
    return {
        "collectives": count(len(collectives)),
        "individuals": count(len(individuals)),
        "all": count(len(collectives) + len(individuals)),
        "phrase": " và ".join(parts),
    }


def name(n: Nomination) -> str:
    return clean(n.nominee_name)


def honorific_name(n: Nomination) -> str:
    """ "Ông Nguyễn Văn An" on a certificate when the gender is known."""
    title = {"male": "Ông", "female": "Bà"}.get(n.gender or "") if n.nominee_type == "person" else None
    return f"{title} {name(n)}" if title else name(n)


def position_unit(n: Nomination) -> str:
    """Position and where the nominee belongs: the address for citizens, else the unit."""
    parts = [clean(n.position)] if clean(n.position) else []
    parts.append(clean(n.address) if clean(n.address) else clean(n.unit.name))
    return ", ".join(parts)


def short_achievement(text: str | None, limit: int = ACHIEVEMENT_CHARS) -> str:
    flat = clean(text)
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut}…"


def award_forms(nominations: Iterable[Nomination]) -> list[AwardForm]:
    seen: dict[int, AwardForm] = {}
    for n in nominations:
        seen.setdefault(n.award_form_id, n.award_form)
    return [seen[k] for k in sorted(seen)]


def award_form_names(nominations: Iterable[Nomination]) -> str:
    return "; ".join(clean(f.name) for f in award_forms(nominations))


def short_award(full_name: str) -> str:
    """ "Giấy khen của Chủ tịch UBND thị xã" -> "Giấy khen"."""
    return full_name.split(" của ", 1)[0]


def campaign_phrase(campaign: Campaign) -> str:
    return lower_first(clean(campaign.name))


def display_name(unit: Unit, role: str = "unit") -> str:
    return clean(issuers.profile(unit, role).display_name)


def chairman_of(unit: Unit) -> str:
    """ "Chủ tịch Ủy ban nhân dân thị xã Vĩnh Châu": the proposals' final addressee."""
    return f"Chủ tịch {display_name(unit)}"


def percent_text(value: int) -> str:
    return f"{value}%"


def pass_shares(nominations: Iterable[Nomination]) -> str:
    """The council's pass share of each award form, as pinned at the nominations' first submit."""
    seen: dict[int, int] = {}
    for n in nominations:
        seen.setdefault(n.award_form_id, rule_versions.pass_share_percent(n))
    return "; ".join(percent_text(seen[k]) for k in sorted(seen))
