/**
 * Which Maven coordinates name an archive itself, from its evidence in order of trust: a pom.properties, the
 * manifest's main section, then the file name. Pure functions over what was read from the archive.
 */
import { attribute, type Manifest } from './manifest.js';
import type { MavenCoordinates } from './pom-properties.js';

export const archiveExtensions = ['.jar', '.war', '.ear', '.par', '.sar', '.jpi', '.hpi'] as const;

/** Does the (entry or file) name end in one of the archive extensions, in any case? */
export function isArchiveName(name: string): boolean {
  const dot = name.length - 4;
  if (dot < 1 || name.charCodeAt(dot) !== 0x2e || name.charCodeAt(dot - 1) === 0x2f) return false;
  const ext = name.slice(dot).toLowerCase();
  return (archiveExtensions as readonly string[]).includes(ext);
}

/**
 * `spring-core-5.3.4-SNAPSHOT.jar` → artifactId `spring-core`, version `5.3.4-SNAPSHOT`: the version starts at the
 * last `-` followed by a digit (so `log4j-1.2-api-2.17.1` keeps `log4j-1.2-api`). Undefined when there is none.
 */
export function coordinatesFromFileName(path: string): { artifactId: string; version: string } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const stem = isArchiveName(base) ? base.slice(0, -4) : base;
  for (let i = stem.length - 2; i > 0; i--) {
    const next = stem.charCodeAt(i + 1);
    if (stem[i] === '-' && next >= 0x30 && next <= 0x39) {
      return { artifactId: stem.slice(0, i), version: stem.slice(i + 1) };
    }
  }
  return undefined;
}

/**
 * groupId from the manifest, as trivy determines it: `Implementation-Vendor-Id`, else `Bundle-SymbolicName` without
 * its last dot-separated part (and without OSGi directives such as `;singleton:=true`), else
 * `Implementation-Vendor`, else `Specification-Vendor`.
 */
export function manifestGroupId(manifest: Manifest | undefined): string | undefined {
  const vendorId = attribute(manifest, 'Implementation-Vendor-Id');
  if (vendorId !== undefined) return vendorId;
  const symbolic = attribute(manifest, 'Bundle-SymbolicName');
  if (symbolic !== undefined) {
    const name = (symbolic.split(';')[0] ?? '').trim();
    const dot = name.lastIndexOf('.');
    const group = dot > 0 ? name.slice(0, dot) : name;
    if (group !== '') return group;
  }
  return attribute(manifest, 'Implementation-Vendor') ?? attribute(manifest, 'Specification-Vendor');
}

/** artifactId from the manifest (trivy): `Implementation-Title`, else `Specification-Title`, else `Bundle-Name`. */
export function manifestArtifactId(manifest: Manifest | undefined): string | undefined {
  return attribute(manifest, 'Implementation-Title') ?? attribute(manifest, 'Specification-Title') ?? attribute(manifest, 'Bundle-Name');
}

/** version from the manifest (trivy): `Implementation-Version`, else `Specification-Version`, else `Bundle-Version`. */
export function manifestVersion(manifest: Manifest | undefined): string | undefined {
  return attribute(manifest, 'Implementation-Version') ?? attribute(manifest, 'Specification-Version') ?? attribute(manifest, 'Bundle-Version');
}

export type IdentitySource = 'pom.properties' | 'manifest' | 'file name';

export interface ArchiveIdentity {
  /** Index into the pom.properties list when one names the archive, else the coordinates found elsewhere. */
  pomIndex?: number;
  coordinates: MavenCoordinates;
  source: IdentitySource;
}

/** Lower case, letters and digits only: `geronimo-annotation_1.3_spec` and `geronimo-annotation-1.3-spec` agree. */
function loose(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The leading number of a version (`31` of `31.1-jre`), or undefined when it does not start with a digit. */
function major(version: string): string | undefined {
  return /^\d+/.exec(version)?.[0];
}

/**
 * The archive's own coordinates, or undefined when nothing names it:
 * 1. a pom.properties whose artifactId and version match the file name (trivy's rule), else the one whose artifactId
 *    matches the file name loosely, whatever its version (Debian's `/usr/share/java/commons-io.jar`,
 *    `geronimo-annotation-1.3-spec.jar`, compatibility names such as `plexus-component-annotations-1.5.jar`);
 * 2. the only pom.properties in the archive (a plain Maven-built jar), unless the file name carries another version
 *    or the manifest another major version (a jar that shades one dependency, like Debian's `guice.jar` with cglib);
 * 3. the one pom.properties whose version (and groupId, when the manifest has one) the manifest's main section
 *    repeats (a shaded jar that embeds its dependencies' pom.properties beside its own);
 * 4. the manifest, when it yields groupId, artifactId and version (trivy's offline mode); identical coordinates
 *    among the pom.properties are that entry instead;
 * 5. the file name `name-1.2.3.jar`, with the manifest's groupId or — as syft does when nothing names a group —
 *    the artifactId as groupId (a Maven purl needs a namespace).
 */
export function identifyArchive(fileName: string, poms: readonly MavenCoordinates[], manifest: Manifest | undefined): ArchiveIdentity | undefined {
  const fromName = coordinatesFromFileName(fileName);
  const stem = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '');
  const byIndex = (i: number): ArchiveIdentity => ({ pomIndex: i, coordinates: poms[i]!, source: 'pom.properties' });
  const unique = (predicate: (p: MavenCoordinates) => boolean): number | undefined => {
    const hits = poms.flatMap((p, i) => (predicate(p) ? [i] : []));
    return hits.length === 1 ? hits[0] : undefined;
  };
  const group = manifestGroupId(manifest);
  const artifactId = manifestArtifactId(manifest);
  const version = manifestVersion(manifest);

  const exact = fromName === undefined ? undefined : unique((p) => p.artifactId === fromName.artifactId && p.version === fromName.version);
  if (exact !== undefined) return byIndex(exact);
  const names = new Set([loose(stem), ...(fromName === undefined ? [] : [loose(fromName.artifactId)])]);
  const named = unique((p) => names.has(loose(p.artifactId)));
  if (named !== undefined) return byIndex(named);
  const only = poms.length === 1 ? poms[0]! : undefined;
  if (only !== undefined) {
    const otherFileVersion = fromName !== undefined && fromName.version !== only.version;
    const otherManifestMajor = version !== undefined && major(version) !== major(only.version);
    if (!otherFileVersion && !otherManifestMajor) return byIndex(0);
  }
  if (version !== undefined) {
    const repeated = unique((p) => p.version === version && (group === undefined || p.groupId === group));
    if (repeated !== undefined) return byIndex(repeated);
  }
  if (group !== undefined && artifactId !== undefined && version !== undefined) {
    const same = poms.findIndex((p) => p.groupId === group && p.artifactId === artifactId && p.version === version);
    if (same >= 0) return byIndex(same);
    return { coordinates: { groupId: group, artifactId, version }, source: 'manifest' };
  }
  if (fromName !== undefined) {
    return { coordinates: { groupId: group ?? fromName.artifactId, artifactId: fromName.artifactId, version: fromName.version }, source: 'file name' };
  }
  return undefined;
}
