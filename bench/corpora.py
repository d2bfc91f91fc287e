"""Where the benchmark and evaluation corpora are: `$NEWSFIND_CORPORA` when set, else `../shared/corpora`
beside the checkout (so a fresh clone elsewhere, e.g. /tmp/fresh, can point at them)."""

from __future__ import annotations

import os
from pathlib import Path

BESIDE_CHECKOUT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
CORPORA = Path(os.environ.get("NEWSFIND_CORPORA") or BESIDE_CHECKOUT)
