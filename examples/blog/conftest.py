"""Make the ``blog`` package importable when pytest runs from the repository root.

flaskr's tutorial installs the app with ``pip install -e .``; the example instead puts
its own folder first on ``sys.path``, so ``make test`` and ``pytest examples/blog`` both
import ``blog`` from here without installing anything.
"""

from __future__ import annotations

import os
import sys

BLOG_ROOT = os.path.dirname(os.path.abspath(__file__))
if BLOG_ROOT not in sys.path:
    sys.path.insert(0, BLOG_ROOT)
