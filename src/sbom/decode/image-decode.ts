import type { ImageDescription } from '../../core/model.js';
import type { LayerTable } from './layer-facts.js';
import { factValue, factValues, type RawComponent } from './raw-document.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The image the document describes: reference `sbom:<label>`, transport `sbom`, and what the subject component
 * says of it — grout's `grout:image:*` facts, or Trivy's (`ImageID`, `RepoDigest`, `RepoTag`, and `DiffID` in
 * layer order, which also places each package's `LayerDiffID`).
 */
export function decodeImage(subject: RawComponent | undefined, label: string, layers: LayerTable): ImageDescription {
  const image: ImageDescription = { reference: `sbom:${label}`, transport: 'sbom', tags: [], layers: [], labels: {} };
  if (subject === undefined) return image;
  const fact = (name: string): string | undefined => factValue(subject.facts, name);
  const digest = (value: string | undefined): string | undefined => (value !== undefined && DIGEST.test(value) ? value : undefined);

  const manifestDigest = digest(fact('grout:image:manifestDigest')) ?? digest(fact('aquasecurity:trivy:RepoDigest')?.replace(/^.*@/, ''));
  if (manifestDigest !== undefined) image.manifestDigest = manifestDigest;
  const configDigest = digest(fact('grout:image:configDigest')) ?? digest(fact('aquasecurity:trivy:ImageID'));
  if (configDigest !== undefined) image.configDigest = configDigest;
  for (const key of ['os', 'architecture', 'variant'] as const) {
    const value = fact(`grout:image:${key}`);
    if (value !== undefined) image[key] = value;
  }
  const tags = new Set([...factValues(subject.facts, 'grout:image:tag'), ...factValues(subject.facts, 'aquasecurity:trivy:RepoTag')]);
  image.tags = [...tags].sort();
  const labels: Record<string, string> = {};
  for (const { name, value } of subject.facts) {
    if (name.startsWith('grout:image:label:')) labels[name.slice('grout:image:label:'.length)] = value;
  }
  image.labels = Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]!]));

  factValues(subject.facts, 'aquasecurity:trivy:DiffID')
    .filter((d) => DIGEST.test(d))
    .forEach((diffId, index) => layers.add({ index, diffId }));
  return image;
}
