"""The dummy password hash that equalises login timing is made on first use, not at import."""

from __future__ import annotations

import subprocess
import sys

from tdkt.workflow import auth


def test_importing_the_auth_module_hashes_nothing():
    probe = "import tdkt.workflow.auth as auth; print(auth._dummy_hash)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "None"


def test_the_dummy_hash_is_made_once_with_the_configured_parameters(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", auth._hasher)
    monkeypatch.setattr(auth, "_dummy_hash", None)
    auth.configure(time_cost=1, memory_cost=8192)
    assert auth._dummy_hash is None
    assert auth.check_password(None, "not-a-password") is False  # unknown user: never in
    made = auth._dummy_hash
    assert made is not None and "$m=8192,t=1," in made
    auth.check_password(None, "anything")
    assert auth._dummy_hash == made
