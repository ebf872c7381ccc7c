"""Build of reviewtools' optional native VADER core (``reviewtools/_vadercore.c``).

Everything else about the package is declared in ``pyproject.toml``. The extension is optional: where it
cannot be compiled (no C compiler, no Python headers) the install still succeeds and
``reviewtools.vader.FastVader`` runs its pure-Python path, which gives the same scores.
"""

import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

#: Flags that keep C's floating point identical to Python's: no fused multiply-add (gcc contracts a*b+c
#: on targets with FMA, e.g. aarch64, unless told not to) and no value-changing optimisations.
GCC_LIKE_FLAGS = ["-ffp-contract=off", "-fno-fast-math"]
MSVC_FLAGS = ["/O2", "/fp:precise"]


class BuildExt(build_ext):
    """Pick the floating-point flags for the compiler in use."""

    def build_extensions(self) -> None:
        flags = MSVC_FLAGS if self.compiler.compiler_type == "msvc" else GCC_LIKE_FLAGS
        for ext in self.extensions:
            ext.extra_compile_args = [*ext.extra_compile_args, *flags]
        super().build_extensions()

    def copy_file(self, infile, outfile, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Replace an in-place library instead of writing over it: a running Python that has the old one
        loaded (another engineer's test run, a worker) would crash if its mapped file were truncated."""
        if os.path.isfile(outfile) and outfile.endswith(tuple(EXTENSION_SUFFIXES)):
            os.unlink(outfile)
        return super().copy_file(infile, outfile, *args, **kwargs)


setup(
    ext_modules=[
        Extension("reviewtools._vadercore", ["reviewtools/_vadercore.c"], optional=True),
        # the re-ingest's one-pass split of an export (reviewtools.incremental; numpy path without it), and the
        # decisions' single spacing and recency points (reviewtools.pipeline): the latter calls libm's pow, so link
        # libm where it is a library of its own (a Python that does not load it already would fail at import)
        Extension("reviewtools._storecore", ["reviewtools/_storecore.c"], optional=True,
                  libraries=[] if sys.platform == "win32" else ["m"]),
        # the duplicate check's near-duplicate join (reviewtools.duplicates; numpy path without it)
        Extension("reviewtools._dupcore", ["reviewtools/_dupcore.c"], optional=True),
        # the per-review checks' literal scan (reviewtools.rules; Hyperscan or RE2 without it)
        Extension("reviewtools._checkcore", ["reviewtools/_checkcore.c"], optional=True),
        # the language identifier's raw scores for a block of texts (reviewtools.rules; numpy path without it)
        Extension("reviewtools._langcore", ["reviewtools/_langcore.c"], optional=True),
    ],
    cmdclass={"build_ext": BuildExt},
)
