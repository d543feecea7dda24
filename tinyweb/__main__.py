"""``python -m tinyweb``: the command line; see ``tinyweb.cli`` for the commands."""

from __future__ import annotations

import sys

from tinyweb.cli import main

if __name__ == "__main__":
    sys.exit(main())
