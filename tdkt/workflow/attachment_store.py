"""Where dossier files' bytes live: a folder outside the web root, each file named by its SHA-256.

Content addressing makes every write idempotent: two hosts storing the same paper at once
write the same bytes to the same name. A file arrives in a temporary file inside the store
(same file system), is hashed while it streams, and only becomes visible by an atomic
os.replace once the caller has accepted it. Nothing is ever overwritten with other bytes or
deleted, so a folder shared by several web hosts (an NFS mount) needs no locking.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK_BYTES = 1 << 16


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


def current() -> FolderStore:
    return FolderStore(current_app.config["ATTACHMENTS_DIR"])
