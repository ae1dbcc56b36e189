"""Run every benchmark and print one line per figure."""

from __future__ import annotations

import sys

from . import audit, deadlines, documents, outbox

BENCHMARKS = {
    "outbox": outbox.main,
    "deadlines": deadlines.main,
    "documents": documents.main,
    "audit": audit.main,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    return max(BENCHMARKS[name]() for name in names)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
