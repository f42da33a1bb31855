# Entry points for contributors and CI. Needs only python3 (3.11+), pip and git: it bootstraps
# its own virtualenv holding tox, and tox builds the test environment from requirements-test.txt.
PYTHON ?= python3
VENV := .bootstrap-venv
TOX := $(VENV)/bin/tox
CHARMS := gateway-api-integrator gateway-route-configurator

.PHONY: test lint unit demo fmt stage-libs pack clean

$(TOX):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check tox==4.67.15

test: $(TOX)  ## lint, then every test that runs without a cluster
	$(TOX) -e lint,unit

lint: $(TOX)
	$(TOX) -e lint

unit: $(TOX)
	$(TOX) -e unit

# make demo [SCENARIO=path/to/scenario.yaml] [OUT=dir]
SCENARIO ?=
OUT ?=
demo: $(TOX)
	$(TOX) -e demo -- $(if $(SCENARIO),--scenario $(SCENARIO)) $(if $(OUT),--out $(OUT))

fmt: $(TOX)
	$(TOX) exec -e lint -- ruff format .
	$(TOX) exec -e lint -- ruff check --fix .

# charmcraft packs one folder; the shared libraries live in libs/, so they are staged into each
# charm's lib/ (git-ignored, on the charm's import path at runtime) right before packing.
stage-libs:
	$(PYTHON) scripts/stage_libs.py $(CHARMS)

pack: stage-libs
	for charm in $(CHARMS); do (cd $$charm && charmcraft pack) || exit 1; done

clean:
	rm -rf $(VENV) .tox .coverage build $(foreach c,$(CHARMS),$(c)/lib $(c)/*.charm)
