# Entry points for contributors and CI. Needs only python3 (3.11+), pip and git: it bootstraps
# its own virtualenv holding tox, and tox builds the test environment from requirements-test.txt.
PYTHON ?= python3
VENV := .bootstrap-venv
TOX := $(VENV)/bin/tox
CHARMS := gateway-api-integrator gateway-route-configurator

.PHONY: test lint unit real-apiserver demo fmt stage-libs pack lock clean

$(TOX):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check tox==4.67.15

test: $(TOX)  ## lint, then every test that runs without a cluster (real kube-apiserver tier if Go is here)
	$(TOX) -e lint,unit

lint: $(TOX)
	$(TOX) -e lint

unit: $(TOX)
	$(TOX) -e unit

# Only the real kube-apiserver tier (make test runs it too, whenever Go is installed).
real-apiserver: $(TOX)
	$(TOX) -e real-apiserver

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

# Needs Ubuntu with charmcraft and LXD (README, "Pack the charms"). Each charm's requirements.txt
# is its lock; charmcraft installs it in strict mode (no resolution, `pip check` after).
pack: stage-libs
	@command -v charmcraft >/dev/null || { echo "charmcraft not found: sudo snap install charmcraft --classic" >&2; exit 1; }
	for charm in $(CHARMS); do (cd $$charm && charmcraft pack) || exit 1; done

# Re-resolve the locks: each charm's requirements.txt from the `dependencies` in its pyproject.toml,
# for every Python the charms meet (3.11 in tests, 3.12 in the packed charm), and the charmcraft
# environment the packing tests validate with. The configurator is resolved under the
# integrator's pins so that the one test environment holding both stays consistent. Existing pins
# are kept unless UPGRADE=1.
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
CHARMCRAFT_VERSION := 4.5.0
LOCK := $(UV) pip compile --quiet --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

$(UV): $(TOX)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

lock: $(UV)
	$(LOCK) -o gateway-api-integrator/requirements.txt gateway-api-integrator/pyproject.toml
	$(LOCK) -c gateway-api-integrator/requirements.txt \
		-o gateway-route-configurator/requirements.txt gateway-route-configurator/pyproject.toml
	echo "charmcraft==$(CHARMCRAFT_VERSION)" | $(LOCK) -o tests/project/charmcraft-requirements.txt -

clean:
	rm -rf $(VENV) .tox .coverage build .cache/charmcraft-* $(foreach c,$(CHARMS),$(c)/lib $(c)/*.charm)
