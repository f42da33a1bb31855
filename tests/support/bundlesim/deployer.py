"""Deploy shipped scenarios with adjustments, several per fixture: what the e2e tests share."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from bundlesim.runner import BundleRun
from bundlesim.scenario import Scenario, parse_scenario
from bundlesim.views import scenario_data


class Deployer:
    """`deploy("default", config={...}, steps=[...])`: a fresh run of a shipped scenario.

    `config` maps application -> options merged into the scenario's; `trust` maps application
    -> its `trust`; `steps` replaces its steps; `cluster` keys replace the scenario's (e.g.
    another `gateway-api`), and so do `controller` keys (e.g. another `profile`);
    `cross_model_names` replaces the scenario's. Every run is closed,
    and checked for API-double crashes, when the fixture ends.
    """

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self.runs: list[BundleRun] = []

    def __call__(
        self,
        name: str,
        *,
        config: dict[str, dict[str, Any]] | None = None,
        steps: list[Any] | None = None,
        cluster: dict[str, Any] | None = None,
        controller: dict[str, Any] | None = None,
        trust: dict[str, bool] | None = None,
        cross_model_names: str | None = None,
        kube: Any = None,
    ) -> BundleRun:
        data = scenario_data(name)
        if cluster:
            data["cluster"] = {**data.get("cluster", {}), **cluster}
        if controller:
            data["controller"] = {**data.get("controller", {}), **controller}
        for app, values in (config or {}).items():
            data["applications"][app]["config"] = {
                **data["applications"][app].get("config", {}),
                **values,
            }
        for app, trusted in (trust or {}).items():
            data["applications"][app]["trust"] = trusted
        if cross_model_names is not None:
            data["cross-model-names"] = cross_model_names
        if steps is not None:
            data["steps"] = steps
        return self.run(parse_scenario(data, name), kube=kube)

    def run(self, scenario: Scenario, kube: Any = None) -> BundleRun:
        """Deploy a scenario built in the test, play its steps; closed with the fixture.

        `kube`: a running cluster to deploy on (the real server's) instead of a new double.
        """
        run = self._stack.enter_context(BundleRun(scenario, kube=kube))
        run.run_steps()
        self.runs.append(run)
        return run
