"""The ``uniprot-etl`` command that ``pip install`` puts on the PATH: the same command line as
the Rust binary (``uniprot_etl._native.cli_main``)."""

from __future__ import annotations

import sys

from . import _native


def main() -> None:
    """Runs the command line with ``sys.argv`` and exits with its code (130 after Ctrl-C)."""
    code = 130
    try:
        code = _native.cli_main(["uniprot-etl", *sys.argv[1:]])
    except KeyboardInterrupt:
        pass
    sys.exit(code)


if __name__ == "__main__":
    main()
