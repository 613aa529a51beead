# Quick start: `make demo` shows symdiff at work, `make test` runs the whole suite.
# Both create .venv and install the project into it when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test test-quick lint bench clean system-packages

# pdflatex compiles the LaTeX keys and --steps (tests and demo), pdftotext reads a compiled key back (tests).
# As root they are installed from Debian's packages when missing; otherwise the tests that need them say so.
# graphviz's dot renders computation graphs (symdiff graph, the keys' figures); lmodern gives the keys vector fonts.
# chromium runs the web page's browser tests (through playwright, no browser download); libjs-katex is the page's KaTeX.
DEBIAN_PACKAGES := texlive-latex-base texlive-latex-recommended poppler-utils graphviz lmodern chromium libjs-katex

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev,plot,web]'
	touch $(STAMP)

system-packages:
	@if ! command -v pdflatex >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! command -v dot >/dev/null 2>&1 \
		|| ! kpsewhich lmodern.sty >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 || [ ! -e /usr/share/javascript/katex/katex.min.js ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEBIAN_PACKAGES); \
		else echo "note: pdflatex/pdftotext/dot/lmodern/chromium/katex missing and not root: install $(DEBIAN_PACKAGES) for the LaTeX tests, keys, graphs and the web page's browser tests"; fi; \
	fi

demo: $(STAMP) system-packages
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
	@echo '$$ symdiff derive "b = A*x; f = 0.5*norm(b)**2" --wrt A11 --shape A=2,2 --shape x=2'
	@$(BIN)/symdiff derive "b = A*x; f = 0.5*norm(b)**2" --wrt A11 --shape A=2,2 --shape x=2
	@echo '$$ symdiff solve worksheets/backprop.toml'
	@$(BIN)/symdiff solve worksheets/backprop.toml
	@echo '$$ symdiff graph "r1 = max(c*x1 + e*x2, 0); s1 = sigmoid(a*r1); y = s1" --at "x1=1, x2=-1, a=1, c=4, e=2" -o graph.svg'
	@$(BIN)/symdiff graph "r1 = max(c*x1 + e*x2, 0); s1 = sigmoid(a*r1); y = s1" --at "x1=1, x2=-1, a=1, c=4, e=2" -o graph.svg
	@echo '$$ symdiff solve worksheets/backprop.toml --format latex -o answers.tex'
	@$(BIN)/symdiff solve worksheets/backprop.toml --format latex -o answers.tex
	@if command -v pdflatex >/dev/null 2>&1; then \
		if pdflatex -no-shell-escape -interaction=nonstopmode -halt-on-error answers.tex >answers.pdflatex.log 2>&1; \
		then echo "wrote answers.pdf"; else echo "pdflatex failed on answers.tex: see answers.pdflatex.log"; fi; \
	else echo "(pdflatex not found: answers.pdf not made; install texlive-latex-base to compile answers.tex)"; fi
	@echo 'The web page (derive, check, worksheet keys in a browser): make serve, then open the URL it prints'

# The web page on this machine: symdiff serve prints its URL first (127.0.0.1:8000; Ctrl-C stops it).
serve: $(STAMP) system-packages
	$(BIN)/symdiff serve

test: lint system-packages
	$(BIN)/python -m pytest -n auto

# While working: everything but the tests marked slow (properties, fuzz, compiled keys).
test-quick: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check symdiff tests bench
	$(BIN)/ruff format --check symdiff
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/derive_times.py
	$(BIN)/python bench/numeric.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/components.py
	$(BIN)/python bench/worksheet.py
	$(BIN)/python bench/serve_load.py
	@if [ -f ../shared/notation-corpus/latex_corpus.toml ]; then $(BIN)/python bench/notation.py; \
	else echo "(../shared/notation-corpus/ not found: bench/notation.py --corpus PATH tallies another corpus)"; fi

clean:
	rm -rf $(VENV) build *.egg-info
