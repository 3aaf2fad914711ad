"""Checks the Kubernetes files in deploy/k8s/ offline, without a cluster.

Runs in its own venv (`make validate-deploy`, deploy/requirements-validate.txt):

- yamllint on every file;
- our manifests (every file but the Helm values) against the Kubernetes API's
  JSON schemas bundled in kubernetes-validate, strictly (unknown fields fail);
- the Helm values for Rasa's chart, which cannot be rendered here (the chart
  is not on a registry this machine reaches): its top-level keys against the
  chart's documented ones, the Kubernetes objects it hands to the chart
  (resources, probes, env, security contexts, strategy) schema-checked inside
  a Deployment built the way the chart builds one, every ${VARIABLE} of its
  endpoints provided by extraEnv, and its action-server URL pointing at the
  Service in action-server.yaml, its pod labels matching what the action
  servers' NetworkPolicy admits;
- every Secret reference names a secret and key that docs/deploy.md creates.
"""

import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import kubernetes_validate
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
VALUES_NAME = "rasa-values.yaml"
KUBERNETES_VERSION = "1.30.0"
YAMLLINT = YamlLintConfig(
    "extends: default\n"
    "rules:\n"
    "  line-length: {max: 100}\n"
    "  document-start: disable\n"
    "  comments: {min-spaces-from-content: 1}\n"
)
# The Secrets docs/deploy.md tells how to create, and their keys.
SECRETS: Dict[str, Set[str]] = {
    "clinic-backends": {"database-url", "redis-url"},
    "clinic-dashboard": {"secret-key"},
    "clinic-smtp": {"host", "user", "password", "from", "to"},
}
# Top-level keys documented for Rasa's chart (rasa 1.17.x, its README's table).
CHART_KEYS = {
    "affinity", "applicationSettings", "args", "autoscaling", "command",
    "deploymentAnnotations", "deploymentLabels", "duckling", "extraArgs",
    "extraContainers", "extraEnv", "fullnameOverride", "global", "image",
    "ingress", "initContainers", "livenessProbe", "nameOverride", "networkPolicy",
    "nginx", "nodeSelector", "podAnnotations", "podLabels", "podSecurityContext",
    "postgresql", "rabbitmq", "rasa-action-server", "readinessProbe", "redis",
    "registry", "replicaCount", "resources", "securityContext", "service",
    "serviceAccount", "strategy", "tolerations", "volumeMounts", "volumes",
}  # fmt: skip


def lint(path: Path) -> List[str]:
    """yamllint's errors and warnings for one file."""
    text = path.read_text(encoding="utf-8")
    return [
        f"{path.name}:{problem.line}: {problem.desc} ({problem.rule})"
        for problem in linter.run(text, YAMLLINT)
    ]


def schema_errors(resource: Dict[str, Any], where: str) -> List[str]:
    """The resource against the Kubernetes schema of its kind, strictly."""
    try:
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = "/".join(str(part) for part in error.path)
        return [f"{where}: {path}: {error.message}"]
    except kubernetes_validate.SchemaNotFoundError as error:
        return [f"{where}: no schema: {error}"]
    return []


def manifests(folder: Path) -> Iterator[Tuple[Path, Dict[str, Any]]]:
    """Every resource in every manifest file (all but the Helm values)."""
    for path in sorted(folder.glob("*.yaml")):
        if path.name != VALUES_NAME:
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                if document:
                    yield path, document


def secret_refs(node: Any) -> Iterator[Tuple[str, str]]:
    """(secret name, key) of every secretKeyRef anywhere under `node`."""
    if isinstance(node, dict):
        ref = node.get("secretKeyRef")
        if isinstance(ref, dict):
            yield str(ref.get("name")), str(ref.get("key"))
        for value in node.values():
            yield from secret_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from secret_refs(item)


def deployment_from_values(values: Dict[str, Any]) -> Dict[str, Any]:
    """A Deployment built from the values the way the chart builds its own.

    A value left out takes the chart's documented default.
    """
    image = values.get("image", {})
    settings = values.get("applicationSettings", {})
    container = {
        "name": "rasa",
        "image": f"{values.get('registry', 'docker.io/rasa')}/"
        f"{image.get('name', 'rasa')}:{image.get('tag', '3.2.6')}",
        "ports": [{"name": "http", "containerPort": settings.get("port", 5005)}],
        "env": values.get("extraEnv", []),
        "resources": values.get("resources", {}),
        "readinessProbe": values.get("readinessProbe"),
        "livenessProbe": values.get("livenessProbe"),
        "securityContext": values.get("securityContext", {}),
    }
    labels = {"app.kubernetes.io/name": "rasa"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "rasa", "labels": labels},
        "spec": {
            "replicas": values.get("replicaCount", 1),
            "strategy": values.get("strategy", {"type": "RollingUpdate"}),
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "securityContext": values.get("podSecurityContext", {}),
                    "containers": [container],
                },
            },
        },
    }


def check_values(path: Path, services: Dict[str, int]) -> List[str]:
    """The chart values: known keys, valid embedded objects, consistent wiring."""
    values = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [
        f"{path.name}: {key!r} is not a documented value of Rasa's chart"
        for key in sorted(set(values) - CHART_KEYS)
    ]
    errors += schema_errors(deployment_from_values(values), f"{path.name} (as run)")
    provided = {entry.get("name") for entry in values.get("extraEnv", [])}
    endpoints = yaml.safe_dump(
        values.get("applicationSettings", {}).get("endpoints", {})
    )
    for variable in sorted(set(re.findall(r"\$\{(\w+)\}", endpoints)) - provided):
        errors.append(f"{path.name}: endpoints use ${{{variable}}}, not in extraEnv")
    action_url = str(
        values.get("rasa-action-server", {}).get("external", {}).get("url")
    )
    match = re.fullmatch(r"http://([\w-]+):(\d+)", action_url)
    if match is None or services.get(match.group(1)) != int(match.group(2)):
        errors.append(f"{path.name}: {action_url} is no Service in deploy/k8s/")
    errors += unknown_secrets(values, path.name)
    return errors


def admitted_labels(folder: Path) -> List[Dict[str, str]]:
    """The pod labels each NetworkPolicy in `folder` admits traffic from."""
    return [
        peer["podSelector"].get("matchLabels", {})
        for _, resource in manifests(folder)
        if resource.get("kind") == "NetworkPolicy"
        for rule in resource["spec"].get("ingress", [])
        for peer in rule.get("from", [])
        if "podSelector" in peer
    ]


def check_policies(folder: Path) -> List[str]:
    """Every NetworkPolicy peer matches the Rasa pods' labels (podLabels)."""
    values = yaml.safe_load((folder / VALUES_NAME).read_text(encoding="utf-8"))
    labels = values.get("podLabels", {})
    return [
        f"{VALUES_NAME}: podLabels lack {wanted}, which a NetworkPolicy admits"
        for wanted in admitted_labels(folder)
        if any(labels.get(key) != value for key, value in wanted.items())
    ]


def unknown_secrets(node: Any, where: str) -> List[str]:
    """Secret references that docs/deploy.md does not create."""
    return [
        f"{where}: secret {name!r} key {key!r} is not created in docs/deploy.md"
        for name, key in secret_refs(node)
        if key not in SECRETS.get(name, set())
    ]


def main(argv: List[str]) -> int:
    """Checks the folder in argv (deploy/k8s/ by default); 0 when all is well."""
    folder = Path(argv[0]) if argv else K8S
    errors: List[str] = []
    for path in sorted(folder.glob("*.yaml")):
        errors += lint(path)
    services: Dict[str, int] = {}
    checked = 0
    for path, resource in manifests(folder):
        where = f"{path.name}: {resource.get('kind')}/{resource['metadata']['name']}"
        errors += schema_errors(resource, where)
        errors += unknown_secrets(resource, where)
        if resource.get("kind") == "Service":
            for port in resource["spec"]["ports"]:
                services[resource["metadata"]["name"]] = port["port"]
        checked += 1
    errors += check_values(folder / VALUES_NAME, services)
    errors += check_policies(folder)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{folder}: {len(errors)} problem(s).", file=sys.stderr)
        return 1
    print(
        f"{folder}: {checked} resources valid against Kubernetes "
        f"{KUBERNETES_VERSION} (strict); {VALUES_NAME} consistent."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
