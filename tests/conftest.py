"""Shared pytest configuration: hypothesis profiles for a shared, noisy 2-core machine."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# No deadlines: these machines are shared and timing is noisy; performance lives in
# benchmarks/, never in tests. "matrix" runs the suite on five interpreters, so it is lighter.
settings.register_profile(
    "default", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "matrix", deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
