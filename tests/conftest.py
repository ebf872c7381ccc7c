"""Hypothesis's default example count follows ``REVIEWTOOLS_TEST_DEPTH`` too (see ``_depth.py``)."""

from hypothesis import settings

from _depth import examples

settings.register_profile("reviewtools", max_examples=examples(100))
settings.load_profile("reviewtools")
