"""Checks the Kubernetes files in deploy/k8s/ offline, without a cluster.

Runs in its own venv (`make validate-deploy`, deploy/requirements-validate.txt):

- yamllint on every file;
- every manifest against the Kubernetes API's JSON schemas bundled in
  kubernetes-validate, strictly (unknown fields fail);
- the wiring: the Rasa servers' env provides every ${VARIABLE} of
  deploy/endpoints.cluster.yml and points ACTION_SERVER_URL at a Service and
  its port, every NetworkPolicy admits pods that some workload runs, and all
  workloads run one image;
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
# What every Rasa server reads; its ${VARIABLES} come from the environment.
ENDPOINTS = ROOT / "deploy" / "endpoints.cluster.yml"
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
    """Every resource in every manifest file."""
    for path in sorted(folder.glob("*.yaml")):
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


def containers(folder: Path) -> Iterator[Tuple[str, Dict[str, Any]]]:
    """(where, container) for every container of every workload in `folder`."""
    for path, resource in manifests(folder):
        spec = resource.get("spec", {}).get("template", {}).get("spec", {})
        for container in spec.get("containers", []):
            yield f"{path.name}: {resource['metadata']['name']}", container


def check_wiring(folder: Path, services: Dict[str, int]) -> List[str]:
    """The Rasa servers get every ${VARIABLE} of their endpoints and a real Service."""
    errors: List[str] = []
    settings = yaml.safe_dump(yaml.safe_load(ENDPOINTS.read_text(encoding="utf-8")))
    wanted = set(re.findall(r"\$\{(\w+)\}", settings))
    rasa = [(w, c) for w, c in containers(folder) if c.get("args", [])[:1] == ["rasa"]]
    if not rasa:
        errors.append(f"{folder.name}: no container runs the image's `rasa` command")
    for where, container in rasa:
        env = {entry["name"]: entry.get("value") for entry in container.get("env", [])}
        errors += [
            f"{where}: {ENDPOINTS.name} needs ${{{name}}}, not in the container's env"
            for name in sorted(wanted - set(env))
        ]
        url = env.get("ACTION_SERVER_URL") or ""
        target = re.match(r"https?://([^:/]+):(\d+)/", url)
        if not target or services.get(target.group(1)) != int(target.group(2)):
            errors.append(
                f"{where}: ACTION_SERVER_URL {url!r} is no Service in {folder}"
            )
    images = {str(container.get("image")) for _, container in containers(folder)}
    if len(images) > 1:
        errors.append(
            f"{folder.name}: workloads run different images: {sorted(images)}"
        )
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


def pod_labels(folder: Path) -> List[Dict[str, str]]:
    """The labels of every workload's pods in `folder`."""
    return [
        resource["spec"]["template"]["metadata"].get("labels", {})
        for _, resource in manifests(folder)
        if "template" in resource.get("spec", {})
    ]


def check_policies(folder: Path) -> List[str]:
    """Every NetworkPolicy peer matches the pods of some workload."""
    labels = pod_labels(folder)
    return [
        f"{folder.name}: a NetworkPolicy admits {wanted}, which no pods carry"
        for wanted in admitted_labels(folder)
        if not any(wanted.items() <= have.items() for have in labels)
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
    errors += check_wiring(folder, services)
    errors += check_policies(folder)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(f"{folder}: {len(errors)} problem(s).", file=sys.stderr)
        return 1
    print(
        f"{folder}: {checked} resources valid against Kubernetes "
        f"{KUBERNETES_VERSION} (strict), wired consistently."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
