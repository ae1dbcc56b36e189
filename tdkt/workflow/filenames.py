"""The name a person gave a file, made safe to show and to offer back as a download name.

Vietnamese stays as typed (NFC). Gone are any folder parts ("../../etc/passwd" is "passwd"),
control and invisible formatting characters (a right-to-left override can make "gpj.exe" read
as "exe.jpg"), characters Windows refuses in names, and leading dots. The extension always
matches the type read from the content, so the name never lies about what the file is.
"""

from __future__ import annotations

import re
import unicodedata

from .filetypes import ACCEPTED, FileType
from .text import nfc

MAX_LENGTH = 200
FALLBACK_STEM = "tệp đính kèm"
# Cc: controls, Cf: invisible formatting (bidi overrides, zero-width), Cs: lone surrogates,
# Zl/Zp: line and paragraph separators.
DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')
KNOWN_EXTENSIONS = frozenset(ext for file_type in ACCEPTED for ext in file_type.extensions)


def clean(raw: str | None, file_type: FileType) -> str:
    name = nfc(raw or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in DROPPED_CATEGORIES)
    name = WINDOWS_RESERVED.sub("_", name)
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    stem, extension = _split(name)
    if extension.lower() not in file_type.extensions:
        # A known but wrong extension is replaced; anything else is part of the name.
        if extension.lower() not in KNOWN_EXTENSIONS:
            stem = name
        extension = file_type.extensions[0]
    stem = stem.rstrip(". ") or FALLBACK_STEM
    return stem[: MAX_LENGTH - len(extension)].rstrip(". ") + extension


def _split(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + extension
