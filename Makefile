# newsfind: `make run` indexes the seeds and serves the web UI; `make test` runs the test suite.
# Both create .venv and install the project (with its pinned spaCy model from PyPI) when missing;
# `make test` also installs Debian's chromium for the browser tests when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
# The browser tests drive this chromium through Playwright (never `playwright install`).
CHROMIUM := /usr/bin/chromium
PORT ?= 5000

.PHONY: train-attribution run test test-fast test-stock test-long wheel-smoke load audit lint bench bench-cluster eval clean browser bytecode

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Byte-compile the project's modules: pip does not for an editable install, and where
# PYTHONDONTWRITEBYTECODE is set every cold `newsfind query` would compile them again (~80 ms).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q newsfind index search web

run: $(STAMP) bytecode
	$(BIN)/newsfind index seeds/
	$(BIN)/newsfind serve --port $(PORT)

browser:
	test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory test-stock
	$(BIN)/ruff check .

# The search and ingestion tests again on stock Whoosh: NEWSFIND_STOCK_WHOOSH=1 installs none of
# newsfind's patches of Whoosh (index/whoosh_ext), so the product is known to answer the same without
# them (~45 s). The tests of the patches themselves skip there, and so does the engine's property test
# (tests/test_engine_sets.py): stock Whoosh's AND NOT, NOT and ANDMAYBE matchers are wrong where Whoosh
# scores part of a query (index/whoosh_ext/boolean_matchers.py), the one difference on purpose.
STOCK_TESTS := $(addprefix tests/test_,search.py query.py facet_counts.py browse.py fastscore.py highlight.py \
	cli.py ingest.py incremental.py dedup.py commits.py)
test-stock: $(STAMP)
	NEWSFIND_STOCK_WHOOSH=1 $(BIN)/python -m pytest -q $(STOCK_TESTS)

# While developing: the tests that need neither the spaCy model nor chromium nor root (markers in
# pyproject.toml). A test that loads the model without its marker fails here (tests/conftest.py).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not long and not browser and not model and not root and not cluster'

# The wheel as users get it: built from this checkout, installed into a fresh venv outside it, and
# run (index, query, show, tag, tags, serve); part of CI (.ci/run). See .ci/wheel_smoke.py.
wheel-smoke: $(STAMP)
	$(BIN)/python .ci/wheel_smoke.py

# The long variants of the reliability tests (marker `long`, left out of `make test`): many SIGKILLs,
# 100,000 fuzzed queries, the large hostile corpus, concurrency over a longer indexing run.
test-long: $(STAMP)
	$(BIN)/python -m pytest -q -m long -s

# Load test over loopback: faceted searches from 8 and 32 clients against `newsfind serve` on LOAD_INDEX
# (req/s, p50/p95/p99, server RSS); LOAD_ARGS="--soak 600" adds the 10-minute soak. See bench/load.py.
LOAD_INDEX ?= /tmp/newsfind-bench/index-2000
load: $(STAMP)
	$(BIN)/python bench/load.py --index $(LOAD_INDEX) --json bench/results/load.json $(LOAD_ARGS)

# Known vulnerabilities in the installed, pinned dependencies, from PyPI's vulnerability data (its JSON
# API must be reachable). --strict: a dependency that cannot be looked up fails the audit, so it never
# passes without having checked; AUDIT_ARGS="--ignore-vuln ID" only for findings examined (README).
audit: $(STAMP)
	$(BIN)/pip-audit --vulnerability-service pypi --skip-editable --strict --progress-spinner off $(AUDIT_ARGS)

# Speed lives here, never in unit tests: see bench/run.py (BENCH_ARGS="--sizes 2000,37554 --replica 3");
# then watches on a 19x replica of the 2,000 index (bench/watches.py, WATCH_BENCH_ARGS).
bench: $(STAMP) bytecode
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/watches.py $(WATCH_BENCH_ARGS)
	$(MAKE) --no-print-directory bench-cluster

# The NLP on a Dask cluster (bench/cluster.py): local --jobs 2 against a loopback scheduler and 2 single-thread
# workers on the same 2,000 articles, 300 articles with a worker SIGKILLed compared field by field with a local
# run, and the writer's ceiling over 37,554 articles by replay (~40 min in all; CLUSTER_BENCH_ARGS="--only rate").
bench-cluster: $(STAMP) bytecode
	nice -n 10 $(BIN)/python bench/cluster.py $(CLUSTER_BENCH_ARGS)

# Speaker attribution scored on PolNeAR dev (needs ../shared/corpora; develop with --split train).
eval: $(STAMP)
	$(BIN)/python bench/eval_attribution.py --split dev

# The speaker attribution model from PolNeAR train (../shared/corpora; never dev), seeded and single-threaded
# so a rerun writes the same bytes: index/nlp/speakers/attribution-v<PIPELINE_VERSION>.json (~1 min with the
# harness's parse cache, ~3 more to parse train without it). TRAIN_ARGS="--compare" adds LightGBM's CV.
train-attribution: $(STAMP)
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/train_attribution.py $(TRAIN_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV)
