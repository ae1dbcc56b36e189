"""PDF through LibreOffice headless. A conversion holds a LibreOffice profile of its own for its
whole run (-env:UserInstallation): two runs sharing one would block or corrupt it. Profiles are
numbered slots taken with an exclusive file lock, so each web or RQ worker process converting
at a time has one, and slots are reused rather than made afresh for every forked job. A
conversion that hangs is killed after the timeout. Same .docx bytes give the same PDF, so
recent results are kept by the .docx hash."""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import WorkflowError
from .settings import setting

CACHE_BYTES = 64 * 1024 * 1024

_cache_lock = threading.Lock()
_cache: OrderedDict[str, bytes] = OrderedDict()


def unavailable() -> WorkflowError:
    return WorkflowError(
        501,
        "pdf_unavailable",
        "Máy chủ chưa cài LibreOffice nên không xuất được PDF; vui lòng tải bản Word (.docx).",
        {},
    )


def failed(message: str) -> WorkflowError:
    return WorkflowError(503, "pdf_failed", message, {})


def soffice() -> str | None:
    configured = setting("SOFFICE_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


@contextmanager
def profile() -> Iterator[Path]:
    """The first free profile slot, held until the conversion ends."""
    base = Path(tempfile.gettempdir())
    for slot in itertools.count():
        handle = os.open(base / f"tdkt-lo-{os.getuid()}-{slot}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            continue
        try:
            yield base / f"tdkt-lo-{os.getuid()}-{slot}"
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
        return


def _cached(key: str) -> bytes | None:
    with _cache_lock:
        data = _cache.get(key)
        if data is not None:
            _cache.move_to_end(key)
        return data


def _keep(key: str, data: bytes) -> None:
    with _cache_lock:
        _cache[key] = data
        while sum(len(v) for v in _cache.values()) > CACHE_BYTES and len(_cache) > 1:
            _cache.popitem(last=False)


def convert(docx: bytes, timeout: float | None = None) -> bytes:
    binary = soffice()
    if binary is None:
        raise unavailable()
    key = hashlib.sha256(docx).hexdigest()
    hit = _cached(key)
    if hit is not None:
        return hit
    timeout = timeout or setting("DOCUMENT_PDF_TIMEOUT")
    with profile() as installation, tempfile.TemporaryDirectory(prefix="tdkt-pdf-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(docx)
        command = [
            binary,
            f"-env:UserInstallation=file://{installation}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            work,
            str(source),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # LibreOffice forks helpers: the whole session goes, not only the launcher.
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise failed(f"Chuyển sang PDF quá {timeout:g} giây; vui lòng thử lại sau.") from None
        target = Path(work) / "document.pdf"
        if process.returncode != 0 or not target.exists():
            detail = stderr.decode(errors="replace").strip()[-300:]
            raise failed(f"LibreOffice không chuyển được tài liệu sang PDF. {detail}".strip())
        data = target.read_bytes()
    _keep(key, data)
    return data
