"""Shared test settings.

Hypothesis: no per-example deadline (timing is never a unit-test concern here, and a
busy CI machine must not turn a slow example into a failure). HYPOTHESIS_PROFILE=ci
runs fewer examples.
"""

import os

from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, max_examples=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
