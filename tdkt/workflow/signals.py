"""Engine signals: deadlines, notifications and the like subscribe instead of being called
from the engine, so the engine knows nothing of them.

`transitioned` is sent inside the transaction, after the state moved and before the flush:
receivers may change the nomination and add rows, which commit (or roll back) with it.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the engine's Firing (actor, nomination, trigger, role, values); kwargs: from_state, now
transitioned = _signals.signal("transitioned")
