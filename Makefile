# Two commands: `make run` and `make test`. Both set up .venv first and are quick when nothing changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8501

.PHONY: run test test-deep setup clean bench eval

# setup.py and the C source too: `pip install -e .` (re)builds the optional native VADER core in place
$(STAMP): requirements.txt pyproject.toml setup.py reviewtools/_vadercore.c reviewtools/_storecore.c reviewtools/_dupcore.c reviewtools/_checkcore.c reviewtools/_langcore.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# headless: Streamlit's first-run e-mail prompt would otherwise block a fresh machine; we open the
# browser ourselves (silently does nothing where there is no browser).
run: $(STAMP)
	@echo "reviewtools dashboard: http://localhost:$(PORT)"
	@( sleep 4; $(BIN)/python -m webbrowser -t http://localhost:$(PORT) >/dev/null 2>&1 || true ) &
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true

# one pytest worker per core (pytest-xdist); `pytest -q` alone runs the same tests in one process
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

# the same tests, each Hypothesis property searching four times as many examples (tests/_depth.py)
test-deep: $(STAMP)
	REVIEWTOOLS_TEST_DEPTH=4 $(BIN)/python -m pytest -q -n auto

eval: $(STAMP)
	for f in scripts/eval_*.py; do $(BIN)/python $$f || exit 1; done

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --reviews 100000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info build reviewtools/_vadercore*.so reviewtools/_storecore*.so reviewtools/_dupcore*.so reviewtools/_checkcore*.so reviewtools/_langcore*.so
