"""The StatefulSet Juju runs each application as, scaled and deleted when Juju does it.

Juju names it after the application, in the model's namespace. It destroys leaving units
first and scales the StatefulSet down only once they are dead, on `juju scale-application`
and on `juju remove-application` alike (juju/juju `caasapplicationprovisioner`:
`ensureScale`, `reconcileDeadUnitScale`); on removal it then deletes it (`appDead`), after
the application's last hook.
"""

from __future__ import annotations

from typing import Any

from modelsim.kube import SharedCluster


def statefulset(app: str, model: str, replicas: int) -> dict[str, Any]:
    """Juju's StatefulSet for `app`: the fields the API requires, and Juju's selector label."""
    labels = {"app.kubernetes.io/name": app}
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": app, "namespace": model, "labels": {**labels}},
        "spec": {
            "replicas": replicas,
            "serviceName": f"{app}-endpoints",
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "charm", "image": "charm-base"}]},
            },
        },
    }


def set_replicas(cluster: SharedCluster, app: str, model: str, replicas: int) -> None:
    """Create the application's StatefulSet, or set its replica count."""
    found = cluster.get("StatefulSet", app, model)
    if found is None:
        cluster.seed(statefulset(app, model, replicas))
    elif found["spec"].get("replicas") != replicas:
        found["spec"]["replicas"] = replicas
        cluster.replace(found)


def delete(cluster: SharedCluster, app: str, model: str) -> None:
    """The application is gone: so is its StatefulSet."""
    cluster.remove("StatefulSet", app, model)
