#!/usr/bin/env python3
"""The deployment assets of deploy/, checked without a container engine or a cluster (there is
neither here; docs/deploy.md says what was run): docker-compose's own `config` accepts the compose
file (and refuses it without the stack's secrets), and the Dockerfile, the Kubernetes manifests and
the systemd units have what running them needs.
  tests/deploy_test.py SOURCE_DIR BUILD_DIR"""
import configparser
import glob
import os
import re
import subprocess
import sys
import tempfile

import yaml

SOURCE, BUILD = sys.argv[1], sys.argv[2]
DEPLOY = os.path.join(SOURCE, "deploy")
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def compose(*args, env_file=None):
    command = ["docker-compose"]
    if env_file:
        command += ["--env-file", env_file]
    command += ["-f", os.path.join(DEPLOY, "docker-compose.yml"), *args]
    # Only what the env file says: a shell's SECKILL_* (a sourced stack.env) must not fill the gaps.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(command, capture_output=True, text=True, cwd=tempfile.gettempdir(), env=clean)


# --- docker-compose.yml ---
with tempfile.TemporaryDirectory() as scratch:
    env_file = os.path.join(scratch, "stack.env")
    subprocess.run([os.path.join(DEPLOY, "make-env.sh"), env_file], check=True, capture_output=True)
    made = compose("config", env_file=env_file)
    check(made.returncode == 0, f"docker-compose config failed: {made.stderr.strip()}")
    empty = os.path.join(scratch, "empty.env")
    open(empty, "w").close()
    unset = compose("config", "-q", env_file=empty)
    check(unset.returncode != 0 and "make-env.sh" in unset.stderr,
          "docker-compose config accepted the stack without its secrets")
    stack = yaml.safe_load(made.stdout) if made.returncode == 0 else {"services": {}}
services = stack["services"]
for name in ["redis", "mariadb", "rabbitmq", "etcd", "init", "product", "order", "gateway", "nginx",
             "prometheus", "jaeger"]:
    check(name in services, f"compose: no service {name}")
for name in ["product", "order", "gateway"]:
    s = services.get(name, {})
    check("healthcheck" in s, f"compose: {name} has no health check")
    check(s.get("image") == "seckill:0.1.0", f"compose: {name} does not run the one service image")
    check(s.get("command", [None])[0] == f"seckill-{name}", f"compose: {name} runs {s.get('command')}")
    check("init" in s.get("depends_on", {}), f"compose: {name} does not wait for init")
    check(s.get("read_only") is True, f"compose: {name}'s file system is writable")
    env = s.get("environment", {})
    check(env.get("SECKILL_MODE") == "production", f"compose: {name} not in production mode")
    check(all(v for v in env.values()), f"compose: {name} has an empty setting")
for name, s in services.items():
    for port in s.get("ports", []):
        published = port if isinstance(port, str) else port.get("host_ip", "")
        check(str(published).startswith("127.0.0.1"), f"compose: {name} publishes {port} beyond loopback")
for name, s in services.items():
    mounts = [str(v.get("source", "")) if isinstance(v, dict) else str(v).split(":")[0] for v in s.get("volumes", [])]
    check(not name.startswith("init") or "tls-ca" in " ".join(mounts), f"compose: {name} cannot reach the CA's key")
    check(name.startswith("init") or not any(m.endswith("tls-ca") for m in mounts),
          f"compose: {name} mounts the CA's key")
check(set(services.get("gateway", {}).get("depends_on", {})) >= {"product", "order"},
      "compose: the gateway does not wait for the services")

# --- Redis's users: one list (scripts/redis-users.sh), used by `make up` and the compose init ---
users_script = os.path.join(SOURCE, "scripts", "redis-users.sh")
check("scripts/redis-users.sh" in open(os.path.join(SOURCE, "scripts", "stack.sh")).read(),
      "stack.sh does not make Redis's users with scripts/redis-users.sh")
init_sh = open(os.path.join(DEPLOY, "docker", "init.sh")).read()
check("seckill-redis-users" in init_sh, "init.sh does not make Redis's users with scripts/redis-users.sh")
check("COPY scripts/redis-users.sh /usr/local/bin/seckill-redis-users" in open(os.path.join(DEPLOY, "docker", "Dockerfile")).read(),
      "the init image lacks scripts/redis-users.sh under the name init.sh calls")
acl = subprocess.run([users_script], capture_output=True, text=True, check=True,
                     env={**os.environ, "REDIS_PRODUCT_PASSWORD": "p", "REDIS_ORDER_PASSWORD": "o",
                          "REDIS_OPS_PASSWORD": "x"}).stdout
users = {m[1]: m[2] for m in re.finditer(r"^user (\S+) (.*)$", acl, re.M)}
check(users.get("default") == "off", "redis-users.sh: the default user is not off")
check(set(users) == {"default", "seckill-product", "seckill-order", "seckill-ops"}, f"redis-users.sh: users {sorted(users)}")
check(" ~{act:* " in users.get("seckill-product", "") and "-@all" in users.get("seckill-product", ""),
      "redis-users.sh: the product user is not confined to the ledger's keys and its commands")
check(" ~{queued}:* " in users.get("seckill-order", "") and "-@all" in users.get("seckill-order", ""),
      "redis-users.sh: the order user is not confined to the queued orders' keys and its commands")
check(all(v.startswith("off") or re.match(r"on #[0-9a-f]{64} ", v) for v in users.values()),
      "redis-users.sh: a user without a hashed password")

# --- the Dockerfile ---
dockerfile = open(os.path.join(DEPLOY, "docker", "Dockerfile")).read()
stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.M)
check(len(stages) >= 2, "Dockerfile: not multi-stage")
check(all(image.startswith("debian:12") for image, _ in stages), f"Dockerfile: a stage not on Debian 12: {stages}")
run_stage = dockerfile.split("FROM debian:12-slim\n", 1)[-1].split("\nFROM ", 1)[0]
user = re.findall(r"^USER\s+(\S+)", run_stage, re.M)
check(user and not user[-1].split(":")[0] in ("0", "root"), f"Dockerfile: the service image runs as {user}")
for binary in ["seckill-gateway", "seckill-product", "seckill-order"]:
    check(binary in dockerfile, f"Dockerfile: does not build {binary}")

# --- Kubernetes ---
documents = []
for path in sorted(glob.glob(os.path.join(DEPLOY, "k8s", "*.yaml"))):
    documents += [(os.path.basename(path), d) for d in yaml.safe_load_all(open(path)) if d]
kinds = {}
for source, d in documents:
    for field in ["apiVersion", "kind", "metadata"]:
        check(field in d, f"{source}: a document without {field}")
    kinds.setdefault(d.get("kind"), []).append(d)
check(not kinds.get("Secret"), "k8s: a Secret's values are written in the manifests")
deployments = {d["metadata"]["name"]: d for d in kinds.get("Deployment", [])}
check(set(deployments) == {"seckill-gateway", "seckill-product", "seckill-order"},
      f"k8s: deployments {sorted(deployments)}")
config_maps = {d["metadata"]["name"] for d in kinds.get("ConfigMap", [])}
for name, d in deployments.items():
    spec = d["spec"]
    labels = spec["template"]["metadata"]["labels"]
    check(all(labels.get(k) == v for k, v in spec["selector"]["matchLabels"].items()),
          f"k8s: {name}'s selector does not match its pods")
    pod = spec["template"]["spec"]
    check(pod.get("securityContext", {}).get("runAsNonRoot") is True, f"k8s: {name} may run as root")
    for c in pod["containers"]:
        ports = {p["name"] for p in c.get("ports", [])}
        for probe, path in [("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")]:
            get = c.get(probe, {}).get("httpGet", {})
            check(get.get("path") == path, f"k8s: {name}'s {probe} is not GET {path}")
            check(get.get("port") in ports, f"k8s: {name}'s {probe} port is not a container port")
        check("requests" in c.get("resources", {}), f"k8s: {name} requests no resources")
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                check(ref.get("name") == "seckill-secrets", f"k8s: {name} reads {e['name']} from {ref}")
            check("value" in e or "valueFrom" in e, f"k8s: {name}'s {e.get('name')} has no value")
            if re.search(r"PASSWORD|SECRET|_KEY$|_URL$", e["name"]) and "value" in e:
                check(not re.search(r"PASSWORD|SECRET|MESSAGES_KEY", e["name"]) and "@" not in e["value"],
                      f"k8s: {name} writes the secret {e['name']} in the manifest")
        for ref in c.get("envFrom", []):
            if "configMapRef" in ref:
                check(ref["configMapRef"]["name"] in config_maps, f"k8s: {name} reads a missing ConfigMap")
    check(any(p["spec"]["selector"]["matchLabels"].items() <= labels.items()
              for p in kinds.get("PodDisruptionBudget", [])), f"k8s: no PodDisruptionBudget for {name}")
hpas = kinds.get("HorizontalPodAutoscaler", [])
check(any(h["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "seckill-gateway"}
          for h in hpas), "k8s: no HorizontalPodAutoscaler for the gateway")
gateway_labels = deployments.get("seckill-gateway", {}).get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
check(any(s["spec"]["selector"].items() <= gateway_labels.items() for s in kinds.get("Service", [])),
      "k8s: no Service selects the gateway")

# --- systemd units (as cmake configured them) ---
for service in ["gateway", "product", "order"]:
    path = os.path.join(BUILD, "systemd", f"seckill-{service}.service")
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    check(os.path.exists(path) and unit.read(path), f"systemd: {path} missing")
    if not unit.has_section("Service"):
        continue
    exec_start = unit["Service"].get("ExecStart", "")
    check(exec_start.split()[0].endswith(f"/bin/seckill-{service}") and "@" not in exec_start,
          f"systemd: seckill-{service} starts {exec_start!r}")
    check(unit["Service"].get("User") == "seckill", f"systemd: seckill-{service} runs as root")
    check(unit.has_section("Install"), f"systemd: seckill-{service} cannot be enabled")

for failure in failures:
    print("FAIL:", failure)
print(f"deploy: compose, Dockerfile, {len(documents)} Kubernetes documents and 3 systemd units checked, "
      f"{len(failures)} problems")
sys.exit(1 if failures else 0)
