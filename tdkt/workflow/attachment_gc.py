"""Removing stored files that no attachment row refers to: bytes kept by an upload whose
transaction then failed, and temporary files of uploads cut off by a crash.

Every attachment row, removed ones included, keeps its bytes. A file younger than the grace
period is left alone: an upload keeps its bytes a moment before its row is committed.
`flask --app wsgi attachments gc` lists what it would remove; `--delete` removes it and writes
one audit event.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from ..models import db
from ..models.attachments import Attachment
from . import attachment_store, audit
from .actor import Actor
from .attachments import size_words

DEFAULT_GRACE = timedelta(hours=1)


@dataclass
class Orphans:
    cutoff: float
    stored: list[Path] = field(default_factory=list)
    unfinished: list[Path] = field(default_factory=list)
    size: int = 0

    @property
    def paths(self) -> list[Path]:
        return self.stored + self.unfinished


def _size_if_older(path: Path, cutoff: float) -> int | None:
    """The file's size if it was last written before `cutoff`; None if newer, or gone meanwhile
    (an upload finished, or another collector ran)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_size if status.st_mtime < cutoff else None


def find(grace: timedelta = DEFAULT_GRACE) -> Orphans:
    store = attachment_store.current()
    referenced = set(db.session.scalars(select(Attachment.sha256).distinct()))
    found = Orphans(cutoff=time.time() - grace.total_seconds())
    candidates = [(found.stored, p) for p in store.stored() if p.name not in referenced]
    candidates += [(found.unfinished, p) for p in store.unfinished_uploads()]
    for kind, path in candidates:
        size = _size_if_older(path, found.cutoff)
        if size is not None:
            kind.append(path)
            found.size += size
    return found


def remove(orphans: Orphans) -> Orphans:
    """Delete the files still orphaned and record what went, as one "admin" event of the
    system; returns what was removed."""
    removed = Orphans(cutoff=orphans.cutoff)
    for kind, paths in ((removed.stored, orphans.stored), (removed.unfinished, orphans.unfinished)):
        for path in paths:
            # The same bytes uploaded again since find() land on the same path, freshly written.
            size = _size_if_older(path, orphans.cutoff)
            if size is not None:
                path.unlink(missing_ok=True)
                kind.append(path)
                removed.size += size
    audit.record(
        Actor(None, None, "attachments-gc"),
        "admin",
        object_type="attachment_store",
        details={
            "op": "attachments_gc",
            "removed_sha256": sorted(p.name for p in removed.stored),
            "unfinished_uploads": len(removed.unfinished),
            "bytes": removed.size,
        },
    )
    db.session.flush()
    return removed


def register_cli(app: Flask) -> None:
    @app.cli.group("attachments")
    def attachments_group():
        """Dossier files in the store (ATTACHMENTS_DIR)."""

    @attachments_group.command("gc")
    @click.option("--delete", is_flag=True, help="Xóa thật (mặc định chỉ liệt kê).")
    @click.option(
        "--grace-minutes",
        type=click.IntRange(min=0),
        default=int(DEFAULT_GRACE.total_seconds() // 60),
        show_default=True,
        help="Bỏ qua tệp mới hơn số phút này (tệp của lượt tải lên đang dở).",
    )
    def attachments_gc(delete, grace_minutes):
        """List (or, with --delete, remove) stored files no attachment refers to."""
        orphans = find(timedelta(minutes=grace_minutes))
        for path in orphans.paths:
            click.echo(str(path))
        total = f"{len(orphans.paths)} tệp ({size_words(orphans.size)})"
        if not orphans.paths:
            click.echo("Không có tệp nào thừa trong kho.")
        elif delete:
            removed = remove(orphans)
            db.session.commit()
            click.echo(f"Đã xóa {len(removed.paths)} tệp ({size_words(removed.size)}) không thuộc hồ sơ nào.")
        else:
            click.echo(f"Có {total} không thuộc hồ sơ nào; chạy lại với --delete để xóa.")
