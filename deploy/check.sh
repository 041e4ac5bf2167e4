#!/usr/bin/env bash
# Checks the deployment files as far as a machine without a container engine or cluster can:
# every YAML file parses; Compose has two portal replicas, the balancer and the mail catcher;
# the Kubernetes kustomization renders (kubectl kustomize, when kubectl is here) into a
# Deployment of 3 replicas probed on /healthz and /readyz, with its metrics port for Prometheus
# only, a PodDisruptionBudget, a NetworkPolicy and the evidence volume; the systemd unit passes `systemd-analyze verify`
# (run against the binary given as $1, relative to where it is run; default
# target/debug/report-portal).
set -euo pipefail
BIN=$(realpath "${1:-target/debug/report-portal}")
cd "$(dirname "$0")"

python3 - <<'PY'
import glob, sys, yaml
docs = {}
for path in sorted(glob.glob("*.yaml") + glob.glob("kubernetes/*.yaml")):
    with open(path) as f:
        docs[path] = list(yaml.safe_load_all(f))
compose = docs["compose.yaml"][0]["services"]
for name in ("portal-1", "portal-2", "balancer", "mailpit", "postgres"):
    assert name in compose, f"compose.yaml: no service {name}"
assert compose["portal-1"]["environment"] == compose["portal-2"]["environment"]
kinds = {d["kind"]: d for docs_ in docs.values() for d in docs_ if d and "kind" in d}
for kind in ("Deployment", "PodDisruptionBudget", "NetworkPolicy", "Service", "Secret",
             "PersistentVolumeClaim"):
    assert kind in kinds, f"no {kind}"
deployment = kinds["Deployment"]
assert deployment["spec"]["replicas"] == 3
container = deployment["spec"]["template"]["spec"]["containers"][0]
assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
assert container["securityContext"]["readOnlyRootFilesystem"] is True
# Metrics on a port of their own, which Prometheus (monitoring namespace) alone may reach.
env = {e["name"]: e.get("value") for e in container["env"]}
assert env["PORTAL_METRICS_BIND"] == "0.0.0.0:9464"
assert {"name": "metrics", "containerPort": 9464} in container["ports"]
assert deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == "9464"
rules = kinds["NetworkPolicy"]["spec"]["ingress"]
assert any(r["ports"] == [{"protocol": "TCP", "port": 9464}] and
           r["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] == "monitoring"
           for r in rules)
assert compose["portal-1"]["environment"]["PORTAL_METRICS_BIND"] == "0.0.0.0:9464"
assert all("9464" not in str(p) for s in compose.values() for p in s.get("ports", []))
print(f"deploy: {len(docs)} YAML files parse; compose and kubernetes objects as expected")
PY

if command -v kubectl >/dev/null; then
    kubectl kustomize kubernetes > /dev/null
    echo "deploy: kubectl kustomize renders"
fi

if command -v systemd-analyze >/dev/null; then
    unit=$(mktemp -d)/report-portal.service
    sed "s#/usr/local/bin/report-portal#$BIN#g" report-portal.service > "$unit"
    systemd-analyze verify "$unit"
    echo "deploy: systemd-analyze verify passes"
fi
