"""`python -m compiler.web.pdfworker INPUT OUTDIR`: the process that writes one job's PDF.
Exit status 0 when written; otherwise the last line of stderr is the message the page shows."""
from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from .work import build_pdf
    try:
        build_pdf(Path(argv[0]), Path(argv[1]))
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still a message, never a bare traceback on the page
        print(f"内部错误（{type(exc).__name__}: {exc}）", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
