# Quick start: `make demo` shows symdiff at work, `make test` runs the whole suite.
# Both create .venv and install the project into it when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@echo '$$ symdiff derive "0.5*norm(A*x)**2" --wrt x'
	@$(BIN)/symdiff derive "0.5*norm(A*x)**2" --wrt x
	@echo '$$ symdiff derive "0.5*norm(A*x)**2" --wrt A'
	@$(BIN)/symdiff derive "0.5*norm(A*x)**2" --wrt A
	@echo '$$ symdiff derive "0.5*norm(A*x)**2" --wrt A11 --shape A=2,2 --shape x=2'
	@$(BIN)/symdiff derive "0.5*norm(A*x)**2" --wrt A11 --shape A=2,2 --shape x=2
	@echo '$$ symdiff derive "0.5*norm(A*x)**2" --wrt x --wrt x'
	@$(BIN)/symdiff derive "0.5*norm(A*x)**2" --wrt x --wrt x
	@echo '$$ symdiff derive "0.5*norm(W2*sigmoid(W1*x) - y)**2" --wrt W2'
	@$(BIN)/symdiff derive "0.5*norm(W2*sigmoid(W1*x) - y)**2" --wrt W2
	@echo '$$ symdiff derive "log(det(X))" --wrt X --format latex'
	@$(BIN)/symdiff derive "log(det(X))" --wrt X --format latex
	@echo '$$ symdiff derive "sigmoid(a*r1)" --wrt a --format json'
	@$(BIN)/symdiff derive "sigmoid(a*r1)" --wrt a --format json

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/derive_times.py

clean:
	rm -rf $(VENV) build *.egg-info
