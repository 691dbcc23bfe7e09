VENV ?= .venv
PY := $(VENV)/bin/python

# Set-up is part of every target: a fresh machine needs only make and python3.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

.PHONY: samples test
## Clean the shipped samples and print the score table against their gold,
## then check every layout's saved HTML pages (rules/samples) against theirs.
samples: $(VENV)/.installed
	$(VENV)/bin/cleaner clean samples/raw -o out/samples
	$(VENV)/bin/cleaner score out/samples samples/gold
	$(VENV)/bin/cleaner rules test

## Run the whole test suite (rule examples, phases, CLI, quality gate).
test: $(VENV)/.installed
	$(PY) -m pytest
