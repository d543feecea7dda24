# tinyweb's developer commands. `make test` and `make run` are all a fresh machine needs;
# `make ci` is exactly what .ci/run executes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The versions the package promises to run on (pyproject: requires-python >= 3.9).
MATRIX_VERSIONS := 3.9 3.10 3.11 3.12 3.13
FUZZ_SECONDS ?= 60

.PHONY: test lint typecheck matrix ci fuzz fuzz-jinja jinja-suite bench run clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.test-installed

$(VENV)/.bench-installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $@

test: $(VENV)/.test-installed
	$(PY) -m pytest -q

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check tinyweb

typecheck: $(VENV)/.dev-installed
	$(VENV)/bin/mypy --strict tinyweb

# The suite on every CPython 3.9...3.13 this machine has. pyenv versions are found by path
# (their shims fail unless selected); plain PATH interpreters are used only if they run.
# Fails loudly when neither the oldest (3.9) nor the newest (3.13) supported version is found.
matrix:
	@ran=""; missing=""; \
	for v in $(MATRIX_VERSIONS); do \
	  interp=""; \
	  for cand in $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python$$v 2>/dev/null | sort -V) ; do interp=$$cand; done; \
	  if [ -z "$$interp" ] && command -v python$$v >/dev/null 2>&1 && python$$v -c 'pass' >/dev/null 2>&1; then interp=$$(command -v python$$v); fi; \
	  if [ -z "$$interp" ]; then echo "matrix: python$$v NOT FOUND, skipped"; missing="$$missing $$v"; continue; fi; \
	  venv=.venv-$$v; \
	  if [ ! -x $$venv/bin/python ]; then $$interp -m venv $$venv || exit 1; fi; \
	  $$venv/bin/python -m pip install -q pytest hypothesis || exit 1; \
	  echo "matrix: running the suite on $$($$venv/bin/python -V)"; \
	  HYPOTHESIS_PROFILE=matrix $$venv/bin/python -m pytest -q -p no:cacheprovider || exit 1; \
	  ran="$$ran $$v"; \
	done; \
	echo "matrix: ran on:$$ran"; \
	[ -n "$$missing" ] && echo "matrix: missing:$$missing"; \
	case " $$ran " in *" 3.9 "*|*" 3.13 "*) ;; *) echo "matrix: FAILED: neither python3.9 nor python3.13 was found"; exit 1;; esac

ci: test lint typecheck matrix

# Long mutation fuzzing of every sans-I/O parser; FUZZ_SECONDS per target.
fuzz: $(VENV)/.test-installed
	@for target in fuzz/fuzz_*.py; do \
	  echo "== $$target ($(FUZZ_SECONDS)s)"; \
	  $(PY) $$target --seconds $(FUZZ_SECONDS) || exit 1; \
	done

# The template engine against Jinja2 (a peer of the `bench` extra, which this installs into
# .venv): random templates must render the same text in both. `make fuzz` runs it too once
# the bench extra is installed; before that it says it is skipped (exit 0).
fuzz-jinja: $(VENV)/.bench-installed
	$(PY) fuzz/fuzz_jinja_differential.py --seconds $(FUZZ_SECONDS)

# Jinja2's own test suite against the template engine (its sdist is downloaded at run time;
# needs PyPI): a failure not listed in benchmarks/jinja_suite_expected.txt fails the target.
jinja-suite: $(VENV)/.test-installed
	$(PY) benchmarks/jinja_suite.py

# Side-by-side benchmarks against the peers of the `bench` extra (ratios, one run each).
bench: $(VENV)/.bench-installed
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Serve the blog example (examples/blog, docs/tutorial.md) with tinyweb's own server on
# http://127.0.0.1:8000/ (Ctrl+C stops). The first run creates its database: init-db drops
# every table, so it runs only while the app's DATABASE file (by default
# examples/blog/instance/blog.sqlite; instance/config.py may move it) does not exist.
run: $(VENV)/.test-installed
	@PYTHONPATH=examples/blog $(PY) -c 'import os, blog; \
	  raise SystemExit(not os.path.exists(blog.create_app().config["DATABASE"]))' || \
	  PYTHONPATH=examples/blog $(PY) -m tinyweb --app blog init-db
	PYTHONPATH=examples/blog $(PY) -m tinyweb --app blog run --host 127.0.0.1 --port 8000

clean:
	rm -rf $(VENV) .venv-3.* .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
