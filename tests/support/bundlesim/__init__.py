"""The whole bundle on the model simulation: scenario files, their runner, and the demo.

See docs/reference/scenarios.md for the scenario format.
"""

from bundlesim.certificates import CertificateCheck, check_certificate, served_certificate
from bundlesim.deployer import Deployer
from bundlesim.outputs import OUTPUT_FILES, objects_document, write_outputs
from bundlesim.runner import REPO_ROOT, ActionRecord, BundleRun
from bundlesim.scenario import Scenario, ScenarioError, Step, load_scenario, parse_scenario
from bundlesim.standins import TLSProviderApp, workload_requirer
from bundlesim.views import (
    SCENARIOS,
    listeners,
    owned_by,
    scenario_data,
    shipped_scenario,
    unit_status,
)

__all__ = [
    "OUTPUT_FILES",
    "REPO_ROOT",
    "SCENARIOS",
    "ActionRecord",
    "BundleRun",
    "CertificateCheck",
    "Deployer",
    "Scenario",
    "ScenarioError",
    "Step",
    "TLSProviderApp",
    "check_certificate",
    "listeners",
    "load_scenario",
    "objects_document",
    "owned_by",
    "parse_scenario",
    "scenario_data",
    "served_certificate",
    "shipped_scenario",
    "unit_status",
    "workload_requirer",
    "write_outputs",
]
