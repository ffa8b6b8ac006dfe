#!/usr/bin/env node
// Offline checks of a rendered overlay (`kubectl kustomize deploy/kubernetes/overlays/<name>`), no cluster:
//   1. every object against the Kubernetes OpenAPI schema, with kubernetes-models' validate();
//   2. consistency that no schema sees: selectors that select something, references to ConfigMaps and
//      Secrets (and their keys) that exist, autoscalers and budgets that target something, and the probes,
//      resources and security settings every container here must have.
//
//   node validate.mjs --overlay dev rendered.yaml        (or the YAML on standard input)
//
// Prints one line per problem and exits 1 if there is any; otherwise one summary line, exit 0.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseAllDocuments } from "yaml";

/**
 * Secrets the manifests reference but do not contain: the user creates them (docs/kubernetes.md), so they
 * cannot be looked up in the render. Per overlay, the keys each must hold: a reference to another Secret,
 * or to another key, is a problem, and so is a key listed here that nothing reads.
 */
export const EXTERNAL_SECRETS = {
  dev: {
    "postgres-passwords": ["POSTGRES_PASSWORD", "AVAILABILITY_DB_PASSWORD", "BOOKING_DB_PASSWORD", "PAYMENT_DB_PASSWORD"],
  },
  production: {
    "database-connections": ["availability-db", "booking-db", "payment-db"],
  },
};

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

/** The kubernetes-models class for an apiVersion and kind, or undefined. */
async function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  try {
    const module = await import(`kubernetes-models/${apiVersion}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

/** Parses a multi-document YAML string into plain objects (empty documents dropped). */
export function parseManifests(text) {
  const objects = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(`YAML: ${document.errors[0].message}`);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

const nameOf = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
const namespaceOf = (o) => o?.metadata?.namespace ?? "";

/** Whether a LabelSelector (matchLabels and matchExpressions) selects these labels. */
export function selectorMatches(selector, labels = {}) {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    if (operator === "In" && !(has && values.includes(labels[key]))) return false;
    if (operator === "NotIn" && has && values.includes(labels[key])) return false;
    if (operator === "Exists" && !has) return false;
    if (operator === "DoesNotExist" && has) return false;
  }
  return true;
}

const isEmptySelector = (s) =>
  s && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

/**
 * Checks a rendered overlay. Returns { problems: string[], counts: { kind: n } }.
 * options.externalSecrets: { secretName: [keys] } that the user creates outside the render.
 */
export async function validateObjects(objects, { externalSecrets = {} } = {}) {
  const problems = [];
  const counts = {};
  const problem = (object, message) => problems.push(`${nameOf(object)}: ${message}`);

  // 1. The schema.
  const seen = new Set();
  for (const object of objects) {
    const kind = object?.kind;
    counts[kind ?? "?"] = (counts[kind ?? "?"] ?? 0) + 1;
    const id = `${kind}/${namespaceOf(object)}/${object?.metadata?.name}`;
    if (seen.has(id)) problem(object, "defined twice");
    seen.add(id);
    const Model = await modelClass(object?.apiVersion, kind);
    if (!Model) {
      problem(object, `no schema for apiVersion "${object?.apiVersion}" kind "${kind}"`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problem(object, `schema: ${error.message}`);
    }
  }

  const all = (kind) => objects.filter((o) => o?.kind === kind);
  const find = (kind, namespace, name) =>
    objects.find((o) => o?.kind === kind && namespaceOf(o) === namespace && o?.metadata?.name === name);
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o?.kind));
  const podLabels = (w) => w?.spec?.template?.metadata?.labels ?? {};
  const workloadsSelectedBy = (selector, namespace) =>
    workloads.filter((w) => namespaceOf(w) === namespace && selectorMatches(selector, podLabels(w)));

  // 2. The common labels: part-of on everything; name, component and part-of on every pod template.
  for (const object of objects) {
    if (!object?.metadata?.labels?.["app.kubernetes.io/part-of"]) problem(object, "no app.kubernetes.io/part-of label");
  }
  for (const w of workloads) {
    for (const label of ["app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"]) {
      if (!podLabels(w)[label]) problem(w, `pod template has no ${label} label`);
    }
  }

  // Workloads select their own pods.
  for (const w of workloads) {
    if (w.kind !== "Job" && !selectorMatches(w.spec?.selector, podLabels(w))) {
      problem(w, "spec.selector does not match its own pod template's labels");
    }
  }

  // 3. Services select pods, on ports those pods have.
  for (const service of all("Service")) {
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) {
      problem(service, "has no selector");
      continue;
    }
    const selected = workloadsSelectedBy({ matchLabels: selector }, namespaceOf(service));
    if (selected.length === 0) {
      problem(service, `selector ${JSON.stringify(selector)} matches no pod template`);
      continue;
    }
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const served = selected.some((w) =>
        (w.spec.template.spec?.containers ?? []).some((c) =>
          (c.ports ?? []).some((p) => (typeof target === "string" ? p.name === target : p.containerPort === target))));
      if (!served) problem(service, `port ${port.name ?? port.port}: targetPort ${target} is no container port of the pods it selects`);
    }
    // The internal gRPC services: DNS must list every pod for client-side load balancing.
    if (selected.some((w) => podLabels(w)["app.kubernetes.io/component"] === "service") && service.spec?.clusterIP !== "None") {
      problem(service, "selects internal gRPC services but is not headless (spec.clusterIP: None)");
    }
  }

  // 4. NetworkPolicies select pods, and so do their peers (in the same namespace).
  for (const policy of all("NetworkPolicy")) {
    const namespace = namespaceOf(policy);
    const podSelector = policy.spec?.podSelector;
    if (!isEmptySelector(podSelector) && workloadsSelectedBy(podSelector, namespace).length === 0) {
      problem(policy, `spec.podSelector ${JSON.stringify(podSelector)} matches no pod template`);
    }
    const rules = [
      ...(policy.spec?.ingress ?? []).map((rule, i) => [`ingress[${i}].from`, rule.from ?? []]),
      ...(policy.spec?.egress ?? []).map((rule, i) => [`egress[${i}].to`, rule.to ?? []]),
    ];
    for (const [where, peers] of rules) {
      peers.forEach((peer, j) => {
        if (peer.podSelector && !peer.namespaceSelector && !isEmptySelector(peer.podSelector)
            && workloadsSelectedBy(peer.podSelector, namespace).length === 0) {
          problem(policy, `${where}[${j}].podSelector ${JSON.stringify(peer.podSelector)} matches no pod template`);
        }
      });
    }
  }

  // 5. References to ConfigMaps and Secrets, and their keys; 6. every container's settings.
  const externalKeysRead = new Map(); // secret name -> Set of keys read
  const configMapKeys = (namespace, name) => {
    const configMap = find("ConfigMap", namespace, name);
    return configMap ? new Set([...Object.keys(configMap.data ?? {}), ...Object.keys(configMap.binaryData ?? {})]) : undefined;
  };
  const secretKeys = (namespace, name) => {
    const secret = find("Secret", namespace, name);
    if (secret) return new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
    if (Object.hasOwn(externalSecrets, name)) {
      if (!externalKeysRead.has(name)) externalKeysRead.set(name, new Set());
      return { external: true, keys: new Set(externalSecrets[name]), read: externalKeysRead.get(name) };
    }
    return undefined;
  };
  const checkConfigMap = (owner, where, namespace, name, key, optional) => {
    const keys = configMapKeys(namespace, name);
    if (!keys) {
      if (!optional) problem(owner, `${where}: ConfigMap "${name}" is not in the render`);
    } else if (key !== undefined && !keys.has(key)) {
      problem(owner, `${where}: ConfigMap "${name}" has no key "${key}"`);
    }
    return keys;
  };
  const checkSecret = (owner, where, namespace, name, key, optional) => {
    const keys = secretKeys(namespace, name);
    if (!keys) {
      if (!optional) problem(owner, `${where}: Secret "${name}" is neither in the render nor an external secret of this overlay`);
      return undefined;
    }
    if (keys.external) {
      if (key === undefined) {
        // envFrom or a whole-Secret volume reads every key.
        for (const k of keys.keys) keys.read.add(k);
      } else if (!keys.keys.has(key)) {
        problem(owner, `${where}: external Secret "${name}" has no key "${key}" (its keys: ${[...keys.keys].join(", ")})`);
      } else {
        keys.read.add(key);
      }
      return keys.keys;
    }
    if (key !== undefined && !keys.has(key)) problem(owner, `${where}: Secret "${name}" has no key "${key}"`);
    return keys;
  };

  const hpaTargets = new Set(all("HorizontalPodAutoscaler")
    .map((h) => `${h.spec?.scaleTargetRef?.kind}/${namespaceOf(h)}/${h.spec?.scaleTargetRef?.name}`));

  for (const w of workloads) {
    const namespace = namespaceOf(w);
    const pod = w.spec?.template?.spec ?? {};
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    // A StatefulSet's claim templates are volumes of its pods too.
    for (const claim of w.spec?.volumeClaimTemplates ?? []) volumes.set(claim.metadata?.name, { persistentVolumeClaim: {} });

    for (const volume of pod.volumes ?? []) {
      const where = `volume "${volume.name}"`;
      if (volume.configMap) {
        const keys = checkConfigMap(w, where, namespace, volume.configMap.name, undefined, volume.configMap.optional);
        for (const item of volume.configMap.items ?? []) {
          if (keys && !keys.has(item.key)) problem(w, `${where}: ConfigMap "${volume.configMap.name}" has no key "${item.key}"`);
        }
      }
      if (volume.secret) {
        const items = volume.secret.items ?? [];
        if (items.length === 0) checkSecret(w, where, namespace, volume.secret.secretName, undefined, volume.secret.optional);
        for (const item of items) checkSecret(w, where, namespace, volume.secret.secretName, item.key, volume.secret.optional);
      }
      for (const source of volume.projected?.sources ?? []) {
        if (source.configMap) checkConfigMap(w, where, namespace, source.configMap.name, undefined, source.configMap.optional);
        if (source.secret) checkSecret(w, where, namespace, source.secret.name, undefined, source.secret.optional);
      }
    }

    const containers = [
      ...(pod.initContainers ?? []).map((c) => ({ c, init: true })),
      ...(pod.containers ?? []).map((c) => ({ c, init: false })),
    ];
    for (const { c, init } of containers) {
      const where = `${init ? "init container" : "container"} "${c.name}"`;
      const defined = new Set();
      for (const source of c.envFrom ?? []) {
        const prefix = source.prefix ?? "";
        if (source.configMapRef) {
          const keys = checkConfigMap(w, `${where} envFrom`, namespace, source.configMapRef.name, undefined, source.configMapRef.optional);
          for (const k of keys ?? []) defined.add(prefix + k);
        }
        if (source.secretRef) {
          const keys = checkSecret(w, `${where} envFrom`, namespace, source.secretRef.name, undefined, source.secretRef.optional);
          for (const k of keys ?? []) defined.add(prefix + k);
        }
      }
      for (const variable of c.env ?? []) {
        const at = `${where} env ${variable.name}`;
        const ref = variable.valueFrom;
        if (ref?.configMapKeyRef) {
          checkConfigMap(w, at, namespace, ref.configMapKeyRef.name, ref.configMapKeyRef.key, ref.configMapKeyRef.optional);
        }
        if (ref?.secretKeyRef) {
          checkSecret(w, at, namespace, ref.secretKeyRef.name, ref.secretKeyRef.key, ref.secretKeyRef.optional);
        }
        // $(NAME) is expanded by the kubelet only from variables defined before it; else it stays as text.
        for (const [, name] of (variable.value ?? "").matchAll(/(?<!\$)\$\(([^)]+)\)/g)) {
          if (!defined.has(name)) problem(w, `${at}: $(${name}) is not defined before it`);
        }
        defined.add(variable.name);
      }

      for (const mount of c.volumeMounts ?? []) {
        if (!volumes.has(mount.name)) problem(w, `${where}: volumeMount "${mount.name}" has no volume`);
      }

      // Resources.
      for (const bound of ["requests", "limits"]) {
        for (const resource of ["cpu", "memory"]) {
          if (c.resources?.[bound]?.[resource] === undefined) problem(w, `${where}: no resources.${bound}.${resource}`);
        }
      }

      // Security: the container's own setting, or the pod's where Kubernetes lets the pod's apply.
      const security = c.securityContext ?? {};
      const podSecurity = pod.securityContext ?? {};
      if (security.allowPrivilegeEscalation !== false) problem(w, `${where}: securityContext.allowPrivilegeEscalation must be false`);
      if (security.readOnlyRootFilesystem !== true) problem(w, `${where}: securityContext.readOnlyRootFilesystem must be true`);
      if (!(security.capabilities?.drop ?? []).includes("ALL")) problem(w, `${where}: securityContext.capabilities.drop must include ALL`);
      if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problem(w, `${where}: runAsNonRoot must be true`);
      if ((security.runAsUser ?? podSecurity.runAsUser) === 0) problem(w, `${where}: runAsUser is 0 (root)`);
      if ((security.seccompProfile ?? podSecurity.seccompProfile)?.type !== "RuntimeDefault") {
        problem(w, `${where}: seccompProfile.type must be RuntimeDefault`);
      }
      // A read-only root needs somewhere to write temporary files.
      const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
      if (!tmp || !volumes.get(tmp.name)?.emptyDir) problem(w, `${where}: no emptyDir mounted at /tmp`);

      // Probes (init containers run to completion and have none).
      if (!init) {
        const portNames = new Set((c.ports ?? []).map((p) => p.name));
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
          const p = c[probe];
          if (!p) {
            problem(w, `${where}: no ${probe}`);
            continue;
          }
          const handlers = ["exec", "httpGet", "grpc", "tcpSocket"].filter((h) => p[h]);
          if (handlers.length !== 1) problem(w, `${where}: ${probe} needs exactly one handler, has ${handlers.length}`);
          const port = p.httpGet?.port ?? p.tcpSocket?.port;
          if (typeof port === "string" && !portNames.has(port)) problem(w, `${where}: ${probe} names port "${port}", which the container does not declare`);
        }
      }
    }

    // A replica count beside an autoscaler: every apply would reset what the autoscaler chose.
    if (hpaTargets.has(`${w.kind}/${namespace}/${w.metadata?.name}`) && w.spec?.replicas !== undefined) {
      problem(w, "has spec.replicas and a HorizontalPodAutoscaler: leave the count to the autoscaler");
    }
  }

  for (const [name, keys] of Object.entries(externalSecrets)) {
    const read = externalKeysRead.get(name);
    if (!read) {
      problems.push(`external Secret "${name}": listed for this overlay, but nothing references it`);
      continue;
    }
    for (const key of keys) {
      if (!read.has(key)) problems.push(`external Secret "${name}": key "${key}" is listed, but nothing reads it`);
    }
  }

  // 7. Autoscalers and disruption budgets target something.
  for (const hpa of all("HorizontalPodAutoscaler")) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const target = find(ref.kind, namespaceOf(hpa), ref.name);
    if (!target) {
      problem(hpa, `scaleTargetRef ${ref.kind}/${ref.name} is not in the render`);
    } else if (ref.apiVersion !== target.apiVersion) {
      problem(hpa, `scaleTargetRef apiVersion ${ref.apiVersion}, but ${ref.kind}/${ref.name} is ${target.apiVersion}`);
    }
    if ((hpa.spec?.minReplicas ?? 1) > (hpa.spec?.maxReplicas ?? 0)) problem(hpa, "minReplicas is above maxReplicas");
  }
  for (const pdb of all("PodDisruptionBudget")) {
    if (workloadsSelectedBy(pdb.spec?.selector, namespaceOf(pdb)).length === 0) {
      problem(pdb, `selector ${JSON.stringify(pdb.spec?.selector)} matches no pod template`);
    }
  }

  return { problems, counts };
}

/** "Deployment 4, Service 5, …": the kinds validated, most first. */
export function summarise(counts) {
  return Object.entries(counts)
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
}

async function main(argv) {
  const args = [...argv];
  const at = args.indexOf("--overlay");
  const overlay = at >= 0 ? args.splice(at, 2)[1] : undefined;
  if (!overlay || !Object.hasOwn(EXTERNAL_SECRETS, overlay)) {
    console.error(`usage: node validate.mjs --overlay <${Object.keys(EXTERNAL_SECRETS).join("|")}> [rendered.yaml]`);
    return 2;
  }
  const text = readFileSync(args[0] ?? 0, "utf8");
  let objects;
  try {
    objects = parseManifests(text);
  } catch (error) {
    console.error(`${overlay}: ${error.message}`);
    return 1;
  }
  if (objects.length === 0) {
    console.error(`${overlay}: no objects in the input`);
    return 1;
  }
  const { problems, counts } = await validateObjects(objects, { externalSecrets: EXTERNAL_SECRETS[overlay] });
  if (problems.length > 0) {
    for (const p of problems) console.error(`${overlay}: ${p}`);
    console.error(`${overlay}: ${problems.length} problem(s) in ${objects.length} objects`);
    return 1;
  }
  console.log(`${overlay}: ${objects.length} objects valid (${summarise(counts)})`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
