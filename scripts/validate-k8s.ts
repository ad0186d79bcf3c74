/**
 * CI: every Kubernetes manifest under deploy/k8s, checked offline.
 *
 * - Every YAML file is parsed, and each kustomization (base, overlays, strimzi) is rendered with
 *   the few kustomize fields these use (resources, namespace, replicas, images); any other field
 *   is refused rather than ignored, so a render here never silently differs from kustomize's.
 * - Every object, in the files and in the renders, is validated against the Kubernetes OpenAPI
 *   schemas that the kubernetes-models package bundles (no cluster, no network).
 * - Strimzi's custom resources have no schema there: they are checked for shape (kind known,
 *   metadata.name, spec) and named in the output as such.
 * - What the issue asks of each Deployment is checked too: readiness and liveness probes, a
 *   preStop pause, resource requests, a PodDisruptionBudget and a Service selecting its pods.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@rideline/dev-infra';
import { parseAllDocuments } from 'yaml';

const K8S_DIR = path.join(REPO_ROOT, 'deploy', 'k8s');
const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'replicas', 'images']);
const STRIMZI_KINDS = new Set(['Kafka', 'KafkaNodePool', 'KafkaUser', 'KafkaTopic']);

/** A manifest object as parsed; fields are checked where they are read. */
type Manifest = Record<string, unknown> & { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };

const failures: string[] = [];
const fail = (where: string, message: string) => failures.push(`${where}: ${message}`);

function readManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((document) => {
    if (document.errors.length > 0) {
      fail(path.relative(REPO_ROOT, file), document.errors.map((error) => error.message).join('; '));
      return [];
    }
    const value: unknown = document.toJS();
    return value === null || value === undefined ? [] : [value as Manifest];
  });
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry) ? [full] : [];
  });
}

interface PodTemplateOwner {
  spec?: { template?: { spec?: { containers?: { image?: string; name?: string }[] } } };
}

/** kustomize build, for the fields listed in KUSTOMIZATION_FIELDS only. */
function render(dir: string): Manifest[] {
  const where = path.relative(REPO_ROOT, path.join(dir, 'kustomization.yaml'));
  const [kustomization] = readManifests(path.join(dir, 'kustomization.yaml')) as [Record<string, unknown> | undefined];
  if (!kustomization) {
    fail(where, 'empty');
    return [];
  }
  for (const field of Object.keys(kustomization)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) fail(where, `uses "${field}", which this check does not render: extend scripts/validate-k8s.ts`);
  }
  const objects: Manifest[] = [];
  for (const resource of (kustomization['resources'] as string[] | undefined) ?? []) {
    const target = path.resolve(dir, resource);
    objects.push(...(statSync(target).isDirectory() ? render(target) : readManifests(target)));
  }
  const copy = structuredClone(objects);
  const namespace = kustomization['namespace'];
  if (typeof namespace === 'string') for (const object of copy) object.metadata = { ...object.metadata, namespace };
  for (const { name, count } of (kustomization['replicas'] as { name: string; count: number }[] | undefined) ?? []) {
    const target = copy.find((object) => object.kind === 'Deployment' && object.metadata?.name === name);
    if (!target) fail(where, `replicas: no Deployment named ${name}`);
    else (target['spec'] as Record<string, unknown>)['replicas'] = count;
  }
  for (const { name, newName, newTag } of (kustomization['images'] as { name: string; newName?: string; newTag?: string }[] | undefined) ?? []) {
    let matched = false;
    for (const object of copy) {
      for (const container of (object as PodTemplateOwner).spec?.template?.spec?.containers ?? []) {
        const [image, tag] = (container.image ?? '').split(':');
        if (image !== name) continue;
        matched = true;
        container.image = `${newName ?? image}${(newTag ?? tag) ? `:${newTag ?? tag}` : ''}`;
      }
    }
    if (!matched) fail(where, `images: no container uses ${name}`);
  }
  return copy;
}

async function validate(object: Manifest, where: string, customResources: Set<string>): Promise<void> {
  const { apiVersion, kind } = object;
  const name = object.metadata?.name;
  const label = `${where} ${String(kind)}/${String(name)}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string') {
    fail(where, 'an object without apiVersion, kind or metadata.name');
    return;
  }
  if (apiVersion.split('/')[0]!.endsWith('strimzi.io')) {
    if (!STRIMZI_KINDS.has(kind)) fail(label, `unknown Strimzi kind`);
    else if (typeof object['spec'] !== 'object' || object['spec'] === null) fail(label, 'no spec');
    customResources.add(`${apiVersion} ${kind}`);
    return;
  }
  let model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    model = ((await import(`kubernetes-models/${apiVersion}`)) as Record<string, typeof model>)[kind];
  } catch {
    model = undefined;
  }
  if (!model) {
    fail(label, `no Kubernetes schema for ${apiVersion} ${kind}`);
    return;
  }
  try {
    new model(object).validate();
  } catch (error) {
    fail(label, error instanceof Error ? error.message : String(error));
  }
}

interface Container {
  name?: string;
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  lifecycle?: { preStop?: unknown };
  resources?: { requests?: unknown };
}

/** The operational requirements each Deployment of a render must meet. */
function checkDeployments(objects: Manifest[], where: string): void {
  const labelsMatch = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
    selector !== undefined && Object.entries(selector).every(([key, value]) => labels?.[key] === value);
  for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
    const label = `${where} Deployment/${String(deployment.metadata?.name)}`;
    const spec = deployment['spec'] as {
      selector?: { matchLabels?: Record<string, string> };
      template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Container[] } };
    };
    const podLabels = spec.template?.metadata?.labels;
    if (!labelsMatch(spec.selector?.matchLabels, podLabels)) fail(label, 'its selector does not match its pod labels');
    for (const container of spec.template?.spec?.containers ?? []) {
      if (!container.readinessProbe) fail(label, `container ${container.name} has no readinessProbe`);
      if (!container.livenessProbe) fail(label, `container ${container.name} has no livenessProbe`);
      if (!container.lifecycle?.preStop) fail(label, `container ${container.name} has no preStop pause`);
      if (!container.resources?.requests) fail(label, `container ${container.name} has no resource requests`);
    }
    const selecting = (kind: string) =>
      objects.some((object) => {
        if (object.kind !== kind) return false;
        const objectSpec = object['spec'] as { selector?: Record<string, string> & { matchLabels?: Record<string, string> } };
        return labelsMatch(kind === 'Service' ? objectSpec.selector : objectSpec.selector?.matchLabels, podLabels);
      });
    if (!selecting('PodDisruptionBudget')) fail(label, 'no PodDisruptionBudget selects its pods');
    if (!selecting('Service')) fail(label, 'no Service selects its pods');
  }
  for (const hpa of objects.filter((object) => object.kind === 'HorizontalPodAutoscaler')) {
    const target = (hpa['spec'] as { scaleTargetRef?: { kind?: string; name?: string } }).scaleTargetRef;
    if (!objects.some((object) => object.kind === target?.kind && object.metadata?.name === target?.name)) {
      fail(`${where} HorizontalPodAutoscaler/${String(hpa.metadata?.name)}`, `its target ${target?.kind}/${target?.name} is not in the render`);
    }
  }
}

const customResources = new Set<string>();
let objectCount = 0;
const files = yamlFiles(K8S_DIR);
for (const file of files.filter((candidate) => path.basename(candidate) !== 'kustomization.yaml')) {
  for (const object of readManifests(file)) {
    objectCount++;
    await validate(object, path.relative(REPO_ROOT, file), customResources);
  }
}
const kustomizations = files.filter((file) => path.basename(file) === 'kustomization.yaml').map(path.dirname);
for (const dir of kustomizations) {
  const where = `kustomize build ${path.relative(REPO_ROOT, dir)}`;
  const objects = render(dir);
  for (const object of objects) {
    objectCount++;
    await validate(object, where, customResources);
  }
  checkDeployments(objects, where);
}

if (failures.length > 0) {
  for (const failure of failures) process.stdout.write(`[k8s] FAILED: ${failure}\n`);
  process.exit(1);
}
process.stdout.write(
  `[k8s] ${objectCount} objects valid (${files.length} files, ${kustomizations.length} kustomizations rendered); ` +
    `custom resources checked for shape only (no bundled schema): ${[...customResources].join(', ')}\n`,
);
