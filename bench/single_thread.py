"""Single-threaded BLAS for a bench script, so that a rerun gives the same numbers: call `single_threaded()`
before numpy is imported (when the script runs as a script, not when a test imports it). What the
environment sets already is kept."""

from __future__ import annotations

import os

BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded() -> None:
    for var in BLAS_THREADS:
        os.environ.setdefault(var, "1")
