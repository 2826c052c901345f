import type { Distro } from '../../core/model.js';
import { parsePurl } from './purl-parse.js';
import { factValue, type RawComponent, type RawDocument } from './raw-document.js';

/**
 * The distribution, from the first of: grout's own `grout:distro:*` facts; the operating-system component
 * (CycloneDX type `operating-system`, SPDX purpose OPERATING-SYSTEM; Syft's `syft:distro:*` properties, else its
 * name and version as Trivy writes them: `debian` `12.5`); the `distro=` qualifier of an OS package's purl
 * (`debian-12`, `alpine-3.20.3`, `opensuse-leap-15.5`). The source is always `sbom:<label>`.
 */
export function decodeDistro(doc: RawDocument, label: string): Distro | undefined {
  const source = `sbom:${label}`;
  const os = doc.components.find((c) => c.kind === 'operating-system');
  return (os ? fromOsComponent(os, source) : undefined) ?? fromPurls(doc.components, source);
}

function fromOsComponent(os: RawComponent, source: string): Distro | undefined {
  const fact = (name: string): string | undefined => factValue(os.facts, name);
  const groutId = fact('grout:distro:id');
  if (groutId !== undefined) {
    const d: Distro = { id: groutId, source };
    assign(d, 'versionId', fact('grout:distro:versionId'));
    assign(d, 'version', fact('grout:distro:version'));
    assign(d, 'codename', fact('grout:distro:codename'));
    assign(d, 'name', fact('grout:distro:name'));
    assign(d, 'prettyName', fact('grout:distro:prettyName'));
    const idLike = fact('grout:distro:idLike')?.split(/\s+/).filter(Boolean);
    if (idLike !== undefined && idLike.length > 0) d.idLike = idLike;
    assign(d, 'cpeName', fact('grout:distro:cpeName'));
    return d;
  }
  const id = (fact('syft:distro:id') ?? os.name)?.trim().toLowerCase();
  if (id === undefined || !/^[a-z0-9._-]{1,64}$/.test(id)) return undefined;
  const d: Distro = { id, source };
  assign(d, 'versionId', fact('syft:distro:versionID') ?? os.version);
  assign(d, 'prettyName', fact('syft:distro:prettyName') ?? os.description);
  const idLike: string[] = [];
  for (let i = 0; i < 16; i++) {
    const like = fact(`syft:distro:idLike:${i}`);
    if (like === undefined) break;
    idLike.push(like);
  }
  if (idLike.length > 0) d.idLike = idLike;
  return d;
}

function fromPurls(components: readonly RawComponent[], source: string): Distro | undefined {
  for (const c of components) {
    if (c.purl === undefined || !/^pkg:(deb|rpm|apk)\//i.test(c.purl)) continue;
    const parsed = parsePurl(c.purl);
    const qualifier = parsed.ok ? parsed.purl.qualifiers['distro'] : undefined;
    if (qualifier === undefined) continue;
    // Trivy once wrote the version alone (`distro=3.16.0`); the purl namespace names the distribution then.
    const m = /^\d/.test(qualifier) ? [qualifier, parsed.ok ? parsed.purl.namespace : undefined, qualifier] : /^([a-z][a-z0-9._-]*?)(?:-(\d[0-9a-z._~+-]*))?$/i.exec(qualifier);
    const id = m?.[1]?.toLowerCase();
    if (id === undefined || !/^[a-z0-9._-]{1,64}$/.test(id)) continue;
    const d: Distro = { id, source };
    assign(d, 'versionId', m?.[2]);
    return d;
  }
  return undefined;
}

function assign<K extends keyof Distro>(d: Distro, key: K, value: Distro[K] | undefined): void {
  if (value !== undefined && value !== '') d[key] = value;
}
