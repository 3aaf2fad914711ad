"""The Kubernetes files in deploy/k8s/ played with `podman kube play` against
the built image: the migration, the action server, the dashboard and Rasa,
with PostgreSQL and Redis pods standing in for the managed services; a visit
through Rasa's published port is answered and logged once.

What podman 4.3 (Debian 12) plays differs from a cluster in four ways, each
bridged here and nowhere else: it plays Pods and Deployments (the Job's pod
template is played as a Pod; Services, the HorizontalPodAutoscaler,
PodDisruptionBudgets, NetworkPolicies and Ingresses are not played); every
replica would bind the same host port, so one replica each; it publishes a
containerPort only with a hostPort, so each gets a free loopback one; and a
Service's name is given to its pods as a network alias, which is what a
cluster's DNS does. Secrets are created in the form podman reads them.
"""

import base64
import copy
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from cluster.processes import free_port
from tests.support.live_log import eventually
from tests.support.podman import inspect, logs, podman, wait_for_http
from tests.support.visits import check_a_visit

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent.parent
K8S = ROOT / "deploy" / "k8s"
PLAYED = ("migrate-job.yaml", "action-server.yaml", "dashboard.yaml", "rasa.yaml")
NETWORK = "clinic-kube-test"
JOB_WAIT_S = 120
POSTGRES_READY_S = 90
# What podman's container state says once the process is gone.
FINISHED = ("exited", "stopped")
# podman names a played pod's container "<pod>-<container>".
POSTGRES_CONTAINER = "postgres-postgres"
RASA_START_S = 180


def resources(name: str) -> List[Dict[str, Any]]:
    """The resources of one file of deploy/k8s/."""
    text = (K8S / name).read_text(encoding="utf-8")
    return [document for document in yaml.safe_load_all(text) if document]


def as_played(resource: Dict[str, Any], host_ports: Dict[str, int]) -> Dict[str, Any]:
    """A Deployment or Job as podman can play it (see the module docstring)."""
    played = copy.deepcopy(resource)
    name = played["metadata"]["name"]
    if played["kind"] == "Job":
        played = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "labels": played["spec"]["template"]["metadata"]["labels"],
            },
            "spec": played["spec"]["template"]["spec"],
        }
        pod_spec = played["spec"]
    else:
        played["spec"]["replicas"] = 1
        pod_spec = played["spec"]["template"]["spec"]
    for container in pod_spec["containers"]:
        for port in container.get("ports", []):
            host_ports[name] = port["hostPort"] = free_port()
            port["hostIP"] = "127.0.0.1"
    return played


def create_secret(name: str, values: Dict[str, str]) -> None:
    """A Kubernetes Secret as podman 4.3 reads one: JSON of base64 values."""
    encoded = {
        key: base64.b64encode(value.encode()).decode() for key, value in values.items()
    }
    podman("secret", "create", name, "-", stdin=json.dumps(encoded))


def backend_pod(name: str, image: str, port: int, **spec: Any) -> Dict[str, Any]:
    """A PostgreSQL or Redis stand-in pod for what a cluster gets as a service."""
    published = {"containerPort": port, "hostPort": free_port(), "hostIP": "127.0.0.1"}
    container = {"name": name, "image": image, "ports": [published], **spec}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [container]},
    }


def alias_services(names: List[str]) -> None:
    """Each Service's name on the pods it selects, as cluster DNS would give it."""
    played = [resource for name in names for resource in resources(name)]
    deployments = [r for r in played if r["kind"] == "Deployment"]
    for service in (r for r in played if r["kind"] == "Service"):
        selector = service["spec"]["selector"].items()
        for deployment in deployments:
            if selector <= deployment["spec"]["template"]["metadata"]["labels"].items():
                pod = inspect("pod", f"{deployment['metadata']['name']}-pod-0")
                infra, alias = pod["InfraContainerID"], service["metadata"]["name"]
                podman("network", "disconnect", NETWORK, infra)
                podman("network", "connect", "--alias", alias, NETWORK, infra)


def wait_for_postgres(container: str, timeout_s: float) -> None:
    """Waits until PostgreSQL in `container` accepts TCP connections, as a
    managed database does before a release's migration Job runs (podman does
    not restart a Job's failed container as a cluster would)."""
    exit_code = eventually(
        lambda: (
            podman(
                "exec", container, "pg_isready", "--host=127.0.0.1", check=False
            ).returncode
        ),
        lambda code: code == 0,
        timeout_s,
    )
    if exit_code != 0:
        raise AssertionError(
            f"PostgreSQL in {container} did not accept connections in {timeout_s} s\n"
            f"{logs(container)}"
        )


def finished(state: Dict[str, Any]) -> bool:
    """A container's process has exited 0. Podman says "stopped" for an exited
    container until its cleanup has run, which can come late or not at all; the
    exit code is what counts."""
    return state["Status"] in FINISHED and state["ExitCode"] == 0


def wait_for_exit(container: str, timeout_s: float, *beside: str) -> None:
    """Waits until a container has finished (the migration); on timeout shows
    its logs and those of the containers it needs, with their states."""
    state = eventually(
        lambda: inspect("container", container)["State"], finished, timeout_s
    )
    if not finished(state):
        shown = [container, *beside]
        states = {name: inspect("container", name)["State"]["Status"] for name in shown}
        raise AssertionError(
            f"{container} did not finish in {timeout_s} s; states {states}\n"
            + "\n".join(logs(name) for name in shown)
        )


@dataclass
class Played:
    """The played files' passwords, and the host ports they were published on."""

    folder: Path
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    redis_password: str = field(default_factory=lambda: secrets.token_hex(16))
    host_ports: Dict[str, int] = field(default_factory=dict)

    def play(self, name: str, documents: List[Dict[str, Any]]) -> None:
        path = self.folder / name
        path.write_text(yaml.safe_dump_all(documents), encoding="utf-8")
        podman("kube", "play", "--network", NETWORK, str(path))

    def play_file(self, name: str, kind: str) -> List[Dict[str, Any]]:
        """Plays the resources of `kind` in one file of deploy/k8s/."""
        documents = [
            as_played(resource, self.host_ports)
            for resource in resources(name)
            if resource["kind"] == kind
        ]
        self.play(name, documents)
        return documents

    def start_backends(self, images: Dict[str, str]) -> None:
        """The Secrets of docs/deploy.md, and the PostgreSQL and Redis they name."""
        create_secret("clinic-backends", {
            "database-url": f"postgresql://clinic:{self.password}@postgres:5432/clinic",
            "redis-url": f"redis://:{self.redis_password}@redis:6379/0",
        })  # fmt: skip
        create_secret("clinic-dashboard", {"secret-key": secrets.token_hex(32)})
        postgres = backend_pod("postgres", images["STANDIN_POSTGRES"], 5432, env=[
            {"name": "POSTGRES_USER", "value": "clinic"},
            {"name": "POSTGRES_PASSWORD", "value": self.password},
            {"name": "POSTGRES_DB", "value": "clinic"},
        ])  # fmt: skip
        redis_command = ["redis-server", "--requirepass", self.redis_password]
        redis = backend_pod(
            "redis", images["STANDIN_REDIS"], 6379, args=[*redis_command, "--save", ""]
        )
        self.play("backends.yaml", [postgres, redis])
        wait_for_postgres(POSTGRES_CONTAINER, POSTGRES_READY_S)
        published = postgres["spec"]["containers"][0]["ports"][0]
        self.host_ports["postgres"] = published["hostPort"]

    @property
    def database_url(self) -> str:
        """The log's database as the host reaches it."""
        port = self.host_ports["postgres"]
        return f"postgresql://clinic:{self.password}@127.0.0.1:{port}/clinic"

    def url(self, workload: str) -> str:
        """A played workload's published port, on loopback."""
        return f"http://127.0.0.1:{self.host_ports[workload]}"


@pytest.fixture(scope="module")
def played(
    images: Dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Played]:
    """The release order of docs/deploy.md: Secrets, the Job, then the servers."""
    cluster = Played(tmp_path_factory.mktemp("kube"))
    rasa_pod = resources("rasa.yaml")[0]["spec"]["template"]["spec"]
    manifest_image = rasa_pod["containers"][0]["image"]
    podman("tag", images["CLINIC_IMAGE"], manifest_image)
    podman("network", "create", NETWORK)
    try:
        cluster.start_backends(images)
        job = cluster.play_file(PLAYED[0], "Job")
        wait_for_exit(
            f"{job[0]['metadata']['name']}-migrate", JOB_WAIT_S, POSTGRES_CONTAINER
        )
        for name in PLAYED[1:]:
            cluster.play_file(name, "Deployment")
        alias_services(list(PLAYED[1:]))
        rasa, actions = "clinic-rasa-pod-0-rasa", "clinic-actions-pod-0-action-server"
        ready_url = f"{cluster.url('clinic-rasa')}/webhooks/rest/"
        wait_for_http(ready_url, RASA_START_S, rasa, actions)
        yield cluster
    finally:
        podman("pod", "rm", "--all", "--force", check=False)
        podman("secret", "rm", "--all", check=False)
        podman("network", "rm", "--force", NETWORK, check=False)
        podman("rmi", manifest_image, check=False)


def test_a_visit_to_the_played_rasa_deployment_is_answered_and_logged_once(
    played: Played,
) -> None:
    check_a_visit(played.url("clinic-rasa"), played.database_url, "kube-visitor")


def test_the_played_dashboard_serves_its_sign_in_page(played: Played) -> None:
    dashboard = "clinic-dashboard-pod-0-dashboard"
    wait_for_http(f"{played.url('clinic-dashboard')}/login", 60, dashboard)
