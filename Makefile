# The two commands of the README: `make demo` and `make test`. Both create .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: test lint typecheck unit demo soak bench clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The C accelerators are compiled by the install (hatch_build.py): a changed source reinstalls.
$(STAMP): pyproject.toml hatch_build.py lemft_async/_core/_scan.c lemft_async/_core/_fields.c | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# The parity tests run a second time with the C accelerators switched off, so the
# pydantic-core / Python counterparts they fall back to stay tested too.
NO_EXTENSION_TESTS = tests/core tests/webhooks tests/payin tests/keysecure
unit: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	LEMFT_NO_EXTENSION=1 $(BIN)/python -m pytest -q $(PYTEST_ARGS) $(NO_EXTENSION_TESTS)

test: lint typecheck unit

# Runs the main job (200 virtual cards issued concurrently) against the embedded sandbox.
demo: $(STAMP)
	$(BIN)/lemft demo

# The full-size fault-injection soak (make test runs a reduced size).
soak: $(STAMP)
	LEMFT_SOAK_CALLS=10000 $(BIN)/python -m pytest -m soak -q tests/soak

# Benchmarks print ratios against a baseline measured in the same run; each row is checked
# against its target (--check) and every script runs even when an earlier one missed.
BENCHES = decode.py gate_memory.py webhooks.py overhead.py http_stack.py "bulk.py --matrix --rounds 5" \
	pipeline.py journal.py served_latency.py
bench: $(STAMP)
	@status=0; for b in $(BENCHES); do \
		echo "== bench/$$b --check"; $(BIN)/python bench/$$b --check || status=1; \
	done; exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
	rm -f lemft_async/_core/_scan*.so lemft_async/_core/_scan*.pyd
	rm -f lemft_async/_core/_fields*.so lemft_async/_core/_fields*.pyd
