// The validator must fail on broken manifests: a small valid system, then one break at a time, each of
// which must be reported with a message naming it. `node --test` in this folder runs them.
// With RENDERED_DIR set (.ci/check-kubernetes.sh sets it), the real renders are broken the same way too.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { EXTERNAL_SECRETS, parseManifests, validateObjects } from "./validate.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const secure = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } };

function deployment(name, component, { port, init = false, env = [] } = {}) {
  const container = (containerName, probes) => ({
    name: containerName,
    image: `example/${name}`,
    envFrom: [{ configMapRef: { name: "config" } }],
    env,
    resources,
    securityContext: secure,
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    ...(probes
      ? {
          ports: [{ name: "grpc", containerPort: port }],
          startupProbe: { grpc: { port } },
          readinessProbe: { grpc: { port } },
          livenessProbe: { grpc: { port } },
        }
      : {}),
  });
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/component": component, "app.kubernetes.io/part-of": "system" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "ns", labels },
    spec: {
      selector: { matchLabels: { "app.kubernetes.io/name": name } },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          ...(init ? { initContainers: [container("migrate", false)] } : {}),
          containers: [container(name, true)],
          volumes: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  };
}

/** A gateway-like "web", a service-like "api" reading an external Secret, and what they need. */
function system() {
  const objects = [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "config", namespace: "ns" }, data: { ENDPOINT: "http://x" } },
    deployment("web", "gateway", { port: 5081 }),
    deployment("api", "service", {
      port: 8080,
      init: true,
      env: [
        { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        { name: "CONNECTION", value: "Host=db;Password=$(PASSWORD)" },
        { name: "OTLP", value: "$(ENDPOINT)" },
      ],
    }),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "api", namespace: "ns" },
      spec: { clusterIP: "None", selector: { "app.kubernetes.io/name": "api" }, ports: [{ name: "grpc", port: 8080, targetPort: "grpc" }] },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "api", namespace: "ns" },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "web" } } }], ports: [{ port: 8080 }] }],
      },
    },
    {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: "ns" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 4 },
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "api", namespace: "ns" },
      spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "api" } } },
    },
  ];
  for (const o of objects) o.metadata.labels = { ...o.metadata.labels, "app.kubernetes.io/part-of": "system" };
  return objects;
}

const externalSecrets = { db: ["password"] };
const byName = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);

async function problemsAfter(breakIt, secrets = externalSecrets) {
  const objects = system();
  breakIt(objects);
  return (await validateObjects(objects, { externalSecrets: secrets })).problems;
}

async function assertReported(breakIt, pattern, secrets) {
  const problems = await problemsAfter(breakIt, secrets);
  assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got:\n${problems.join("\n") || "(none)"}`);
}

test("the unbroken system passes", async () => {
  assert.deepEqual(await problemsAfter(() => {}), []);
});

test("a schema error is reported with its path", async () => {
  await assertReported(
    (o) => { byName(o, "Deployment", "api").spec.template.spec.containers[0].ports[0].containerPort = "8080"; },
    /Deployment\/api: schema: .*containers\/0\/ports\/0\/containerPort must be integer/);
});

test("an object or pod template without the common labels", async () => {
  await assertReported((o) => { delete byName(o, "NetworkPolicy", "api").metadata.labels; }, /NetworkPolicy\/api: no app.kubernetes.io\/part-of label/);
  await assertReported(
    (o) => { delete byName(o, "Deployment", "api").spec.template.metadata.labels["app.kubernetes.io/component"]; },
    /Deployment\/api: pod template has no app.kubernetes.io\/component label/);
});

test("an unknown kind is reported", async () => {
  await assertReported((o) => { o.push({ apiVersion: "v1", kind: "Nonsense", metadata: { name: "x" } }); }, /no schema for apiVersion "v1" kind "Nonsense"/);
});

test("a Service selector that matches no pod", async () => {
  await assertReported(
    (o) => { byName(o, "Service", "api").spec.selector = { "app.kubernetes.io/name": "apii" }; },
    /Service\/api: selector .*apii.* matches no pod template/);
});

test("a Service port that no container has", async () => {
  await assertReported((o) => { byName(o, "Service", "api").spec.ports[0].targetPort = "http"; }, /targetPort http is no container port/);
});

test("an internal service behind a ClusterIP Service", async () => {
  await assertReported((o) => { delete byName(o, "Service", "api").spec.clusterIP; }, /not headless/);
});

test("a NetworkPolicy podSelector that matches no pod", async () => {
  await assertReported(
    (o) => { byName(o, "NetworkPolicy", "api").spec.podSelector.matchLabels["app.kubernetes.io/name"] = "ap"; },
    /NetworkPolicy\/api: spec.podSelector .* matches no pod template/);
});

test("a NetworkPolicy peer that matches no pod", async () => {
  await assertReported(
    (o) => { byName(o, "NetworkPolicy", "api").spec.ingress[0].from[0].podSelector.matchLabels["app.kubernetes.io/name"] = "gateway"; },
    /ingress\[0\]\.from\[0\]\.podSelector .* matches no pod template/);
});

test("envFrom a ConfigMap that is not there", async () => {
  await assertReported((o) => { o.splice(o.indexOf(byName(o, "ConfigMap", "config")), 1); }, /envFrom: ConfigMap "config" is not in the render/);
});

test("a configMapKeyRef to a missing key", async () => {
  await assertReported(
    (o) => { byName(o, "Deployment", "web").spec.template.spec.containers[0].env = [{ name: "X", valueFrom: { configMapKeyRef: { name: "config", key: "MISSING" } } }]; },
    /ConfigMap "config" has no key "MISSING"/);
});

test("a Secret that is neither rendered nor external", async () => {
  await assertReported(() => {}, /Secret "db" is neither in the render nor an external secret/, {});
});

test("an external Secret read with a key it is not listed with", async () => {
  await assertReported(
    (o) => { byName(o, "Deployment", "api").spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key = "pasword"; },
    /external Secret "db" has no key "pasword"/);
});

test("an external Secret key that nothing reads", async () => {
  await assertReported(() => {}, /external Secret "db": key "user" is listed, but nothing reads it/, { db: ["password", "user"] });
});

test("$(VAR) before the variable is defined", async () => {
  await assertReported((o) => { byName(o, "Deployment", "api").spec.template.spec.containers[0].env.reverse(); }, /\$\(PASSWORD\) is not defined before it/);
});

test("a container without a probe", async () => {
  await assertReported((o) => { delete byName(o, "Deployment", "web").spec.template.spec.containers[0].livenessProbe; }, /container "web": no livenessProbe/);
});

test("a container without a memory limit", async () => {
  await assertReported(
    (o) => { byName(o, "Deployment", "api").spec.template.spec.initContainers[0].resources = { requests: resources.requests, limits: { cpu: "1" } }; },
    /init container "migrate": no resources.limits.memory/);
});

test("security settings, one at a time", async () => {
  const cases = [
    [(s) => { s.readOnlyRootFilesystem = false; }, /readOnlyRootFilesystem must be true/],
    [(s) => { s.allowPrivilegeEscalation = true; }, /allowPrivilegeEscalation must be false/],
    [(s) => { s.capabilities = { drop: ["NET_RAW"] }; }, /capabilities.drop must include ALL/],
    [(s) => { s.seccompProfile = { type: "Unconfined" }; }, /seccompProfile.type must be RuntimeDefault/],
    [(s) => { s.runAsNonRoot = false; }, /runAsNonRoot must be true/],
  ];
  for (const [change, pattern] of cases) {
    await assertReported((o) => {
      const container = byName(o, "Deployment", "web").spec.template.spec.containers[0];
      container.securityContext = structuredClone(secure);
      change(container.securityContext);
    }, pattern);
  }
});

test("a read-only root without an emptyDir at /tmp", async () => {
  await assertReported((o) => { byName(o, "Deployment", "web").spec.template.spec.containers[0].volumeMounts = []; }, /no emptyDir mounted at \/tmp/);
});

test("an autoscaler whose Deployment is missing", async () => {
  await assertReported((o) => { byName(o, "HorizontalPodAutoscaler", "web").spec.scaleTargetRef.name = "gateway"; }, /scaleTargetRef Deployment\/gateway is not in the render/);
});

test("a replica count beside an autoscaler", async () => {
  await assertReported((o) => { byName(o, "Deployment", "web").spec.replicas = 2; }, /has spec.replicas and a HorizontalPodAutoscaler/);
});

test("a disruption budget that selects nothing", async () => {
  await assertReported(
    (o) => { byName(o, "PodDisruptionBudget", "api").spec.selector.matchLabels["app.kubernetes.io/name"] = "nothing"; },
    /PodDisruptionBudget\/api: selector .* matches no pod template/);
});

test("the command line exits 1 and names the problem", () => {
  const broken = `apiVersion: v1
kind: Service
metadata: { name: lonely, namespace: ns }
spec: { selector: { app: nobody }, ports: [{ port: 80 }] }
`;
  const run = spawnSync(process.execPath, [join(here, "validate.mjs"), "--overlay", "dev"], { input: broken, encoding: "utf8" });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /dev: Service\/lonely: selector \{"app":"nobody"\} matches no pod template/);
});

test("the command line exits 1 on YAML it cannot parse", () => {
  const run = spawnSync(process.execPath, [join(here, "validate.mjs"), "--overlay", "production"], { input: "kind: [unclosed\n", encoding: "utf8" });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /production: YAML:/);
});

// The real renders, broken: the same checks catch a typo in the manifests this repository ships.
const rendered = process.env.RENDERED_DIR;
for (const overlay of Object.keys(EXTERNAL_SECRETS)) {
  const file = rendered ? join(rendered, `${overlay}.yaml`) : "";
  const skip = !rendered || !existsSync(file) ? "RENDERED_DIR/<overlay>.yaml not given" : false;
  test(`${overlay}: the render passes, and a broken selector or secret key in it fails`, { skip }, async () => {
    const options = { externalSecrets: EXTERNAL_SECRETS[overlay] };
    assert.deepEqual((await validateObjects(parseManifests(readFileSync(file, "utf8")), options)).problems, []);

    const objects = parseManifests(readFileSync(file, "utf8"));
    byName(objects, "Service", "payment").spec.selector["app.kubernetes.io/name"] = "paymnet";
    const policy = byName(objects, "NetworkPolicy", "payment");
    policy.spec.ingress[0].from[0].podSelector.matchLabels["app.kubernetes.io/name"] = "bookings";
    const [secret, [key]] = Object.entries(EXTERNAL_SECRETS[overlay])[0];
    const reference = byName(objects, "Deployment", "payment").spec.template.spec.containers[0].env
      .find((e) => e.valueFrom?.secretKeyRef?.name === secret).valueFrom.secretKeyRef;
    reference.key = `${key}-typo`;
    const { problems } = await validateObjects(objects, options);
    assert.ok(problems.some((p) => /Service\/payment: selector .*paymnet/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /NetworkPolicy\/payment: ingress\[0\]\.from\[0\]\.podSelector .*bookings/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => p.includes(`has no key "${key}-typo"`)), problems.join("\n"));
  });
}
