"""Where dossier files' bytes live: a folder outside the web root, each file named by its SHA-256.

Content addressing makes every write idempotent: two hosts storing the same paper at once
write the same bytes to the same name. A file arrives in a temporary file inside the store
(same file system), is hashed while it streams, and only becomes visible by an atomic
os.replace once the caller has accepted it. Nothing is ever overwritten with other bytes, so a
folder shared by several web hosts (an NFS mount) needs no locking; only the garbage collector
(attachment_gc) deletes, and only files no row refers to that are older than a grace period.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK_BYTES = 1 << 16
STORED_NAME = re.compile(r"[0-9a-f]{64}")


class TooLarge(Exception):
    """The stream went past the size the caller allows."""


@dataclass
class Incoming:
    path: Path
    sha256: str = ""
    size: int = 0
    kept: bool = False


class FolderStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        # Two levels of fan-out keep any one folder small with hundreds of thousands of files.
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @contextmanager
    def receive(self, stream: BinaryIO, max_bytes: int) -> Iterator[Incoming]:
        """Copy `stream` into a temporary file, hashing as it goes; TooLarge past `max_bytes`.
        Unless keep() is called inside the block, the temporary file is gone afterwards."""
        incoming_dir = self.root / "incoming"
        incoming_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=incoming_dir)
        incoming = Incoming(Path(name))
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_BYTES):
                    incoming.size += len(chunk)
                    if incoming.size > max_bytes:
                        raise TooLarge
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            incoming.sha256 = digest.hexdigest()
            yield incoming
        finally:
            if not incoming.kept:
                incoming.path.unlink(missing_ok=True)

    def keep(self, incoming: Incoming) -> None:
        target = self.path_of(incoming.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming.path, target)
        incoming.kept = True

    def open(self, sha256: str) -> BinaryIO:
        return open(self.path_of(sha256), "rb")

    def stored(self) -> Iterator[Path]:
        """Every file kept under its hash, one fan-out folder at a time."""
        for first in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for second in sorted(first.glob("[0-9a-f][0-9a-f]")):
                for path in sorted(second.iterdir()):
                    if STORED_NAME.fullmatch(path.name) and path.name.startswith(first.name + second.name):
                        yield path

    def unfinished_uploads(self) -> Iterator[Path]:
        """Temporary files of uploads still arriving, or cut off by a crash."""
        incoming_dir = self.root / "incoming"
        if incoming_dir.is_dir():
            yield from sorted(p for p in incoming_dir.iterdir() if p.is_file())

    def scratch_file(self) -> BinaryIO:
        """An anonymous read-write file on the store's disk, removed when closed (or when the
        process dies): for building a download bigger than memory should hold."""
        scratch_dir = self.root / "scratch"
        scratch_dir.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryFile(dir=scratch_dir)


def current() -> FolderStore:
    return FolderStore(current_app.config["ATTACHMENTS_DIR"])
