"""Who is acting and from where: the engine's view of a request, also built by CLI and workers."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import User


@dataclass(frozen=True)
class Actor:
    user: User | None
    ip: str | None = None
    user_agent: str | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None
