"""The document number register: numbers restart each year per issuer and type, never reused."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..models import IssuedNumber, NumberSeries, Unit, db
from .errors import unprocessable


def _lock_series(issuer: Unit, doc_type: str, year: int) -> NumberSeries:
    # populate_existing: the series may already sit in the session, read before another
    # transaction moved it on (a savepoint rolled back after number_taken frees the row lock
    # but keeps the object); the locked row, not that copy, is the truth.
    query = (
        select(NumberSeries)
        .filter_by(issuer_unit_id=issuer.id, doc_type=doc_type, year=year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    series = db.session.scalars(query).first()
    if series is not None:
        return series
    try:
        with db.session.begin_nested():
            series = NumberSeries(issuer_unit_id=issuer.id, doc_type=doc_type, year=year, last_number=0)
            db.session.add(series)
    except IntegrityError:
        # Another transaction created the series first: wait for its lock instead.
        series = db.session.scalars(query).one()
    return series


def reserve(issuer: Unit, doc_type: str, year: int, number: int | None = None) -> int:
    """Take `number`, or the next free one; the series row lock serialises concurrent takers."""
    series = _lock_series(issuer, doc_type, year)
    taken = select(IssuedNumber.id).filter_by(
        issuer_unit_id=issuer.id, doc_type=doc_type, year=year
    )
    if number is None:
        highest = db.session.scalar(
            select(func.max(IssuedNumber.number)).filter_by(
                issuer_unit_id=issuer.id, doc_type=doc_type, year=year
            )
        )
        number = max(series.last_number, highest or 0) + 1
    elif db.session.scalar(taken.filter_by(number=number)) is not None:
        raise unprocessable(
            "number_taken",
            f"Số {number:02d}/{doc_type} năm {year} đã được sử dụng; mỗi số chỉ cấp một lần.",
            number=number,
            year=year,
            doc_type=doc_type,
        )
    db.session.add(IssuedNumber(issuer_unit_id=issuer.id, doc_type=doc_type, year=year, number=number))
    series.last_number = max(series.last_number, number)
    db.session.flush()
    return number
