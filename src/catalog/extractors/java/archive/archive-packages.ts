/**
 * The Maven packages in one archive and, recursively, in the archives it holds (`WEB-INF/lib/*.jar`,
 * `BOOT-INF/lib/*.jar`, the modules of an ear, `META-INF/jars/*.jar`), all read from memory. Every entry is
 * admitted on its declared sizes before a byte is inflated, then must inflate to exactly that size.
 */
import { createHash } from 'node:crypto';
import type { ExtractedPackage, LanguageMetadata } from '../../../../core/model.js';
import { identifyArchive, isArchiveName } from './archive-identity.js';
import type { ArchiveLimits } from './limits.js';
import { manifestLicenses, parseManifest, type Manifest } from './manifest.js';
import { pomLicenses } from './pom-licenses.js';
import { coordinatesOf, parseProperties, type MavenCoordinates } from './pom-properties.js';
import { readZipDirectory, type ZipEntry } from './zip-directory.js';
import { readZipEntry } from './zip-entry.js';

/** State shared by every archive nested in one outer file. */
export interface ArchiveScan {
  readonly limits: ArchiveLimits;
  /** In-image path of the outer file: every package's evidence. */
  readonly evidence: string;
  /** Entry bytes (inflated or stored) still allowed for the outer file. */
  budget: number;
  issue(reason: string): void;
}

/** One archive being read: the outer file (archivePath undefined) or an entry inside it. */
export interface ArchiveLocation {
  /** Name the archive is known by (the outer path or the entry name): the file-name fallback reads it. */
  name: string;
  /** Path inside the outer file, levels joined by `!/`: `WEB-INF/lib/a.jar!/lib/b.jar`. */
  archivePath: string | undefined;
  depth: number;
}

const manifestPath = 'META-INF/MANIFEST.MF';

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** Why an entry may not be read, judged on the sizes its directory record declares; undefined when it may. */
function refusal(entry: ZipEntry, cap: number, scan: ArchiveScan): string | undefined {
  const { size, compressedSize } = entry;
  if (size > 0 && (compressedSize === 0 || size / compressedSize > scan.limits.maxRatio)) {
    const ratio = compressedSize === 0 ? 'unbounded' : `${Math.round(size / compressedSize)}:1`;
    return `compression ratio ${ratio} (${size} bytes from ${compressedSize}) exceeds ${scan.limits.maxRatio}:1; treated as a zip bomb and skipped`;
  }
  if (size > cap) return `declared size ${size} bytes exceeds the ${cap}-byte limit; skipped`;
  if (size > scan.budget) {
    return `declared size ${size} bytes exceeds what is left (${scan.budget} bytes) of the ${scan.limits.maxTotalBytes}-byte read budget for the file; skipped`;
  }
  return undefined;
}

class ArchiveReader {
  constructor(
    private readonly bytes: Buffer,
    private readonly location: ArchiveLocation,
    private readonly scan: ArchiveScan,
  ) {}

  /** Issue about an entry, named with its path inside the outer file. */
  issue(entryName: string | undefined, reason: string): void {
    const where = [this.location.archivePath, entryName].filter((p) => p !== undefined).join('!/');
    this.scan.issue(where === '' ? reason : `${where}: ${reason}`);
  }

  read(entry: ZipEntry, cap: number): Buffer | undefined {
    const refused = refusal(entry, cap, this.scan);
    if (refused !== undefined) {
      this.issue(entry.name, refused);
      return undefined;
    }
    const result = readZipEntry(this.bytes, entry);
    if (!result.ok) {
      this.issue(entry.name, result.reason);
      return undefined;
    }
    // Stored entries count too: overlapping directory records can point many entries at the same bytes.
    this.scan.budget -= result.bytes.length;
    return result.bytes;
  }

  readText(entry: ZipEntry): string | undefined {
    return this.read(entry, this.scan.limits.maxTextBytes)?.toString('utf8');
  }
}

function mavenPackage(coordinates: MavenCoordinates, licenses: string[], scan: ArchiveScan, archivePath: string | undefined, integrity: string | undefined): ExtractedPackage {
  const metadata: LanguageMetadata = { kind: 'language', origin: 'installed', groupId: coordinates.groupId, artifactId: coordinates.artifactId };
  if (archivePath !== undefined) metadata.archivePath = archivePath;
  if (integrity !== undefined) metadata.integrity = integrity;
  return {
    ecosystem: 'maven',
    name: `${coordinates.groupId}:${coordinates.artifactId}`,
    version: coordinates.version,
    licenses,
    evidence: scan.evidence,
    metadata,
  };
}

interface FoundPom {
  entry: ZipEntry;
  coordinates: MavenCoordinates;
}

/** Packages of the archive in `bytes` and of every archive nested in it, up to the depth limit. */
export function archivePackages(bytes: Buffer, location: ArchiveLocation, scan: ArchiveScan): ExtractedPackage[] {
  const reader = new ArchiveReader(bytes, location, scan);
  const listing = readZipDirectory(bytes, scan.limits.maxEntries);
  if (!listing.ok) {
    reader.issue(undefined, listing.reason);
    return [];
  }
  for (const problem of listing.directory.problems) reader.issue(undefined, problem);

  const entries = listing.directory.entries.filter((e) => !e.name.endsWith('/'));
  const pomXml = new Map(entries.filter((e) => baseName(e.name) === 'pom.xml').map((e) => [dirName(e.name), e]));
  const manifestEntry = entries.find((e) => e.name.toUpperCase() === manifestPath);
  const manifestText = manifestEntry === undefined ? undefined : reader.readText(manifestEntry);
  const manifest: Manifest | undefined = manifestText === undefined ? undefined : parseManifest(manifestText);

  const poms: FoundPom[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (baseName(entry.name) !== 'pom.properties') continue;
    const text = reader.readText(entry);
    if (text === undefined) continue;
    const coordinates = coordinatesOf(parseProperties(text));
    if (Array.isArray(coordinates)) {
      reader.issue(entry.name, `pom.properties lacks ${coordinates.join(', ')}; skipped`);
      continue;
    }
    // A pom.properties repeated under another path (shading copies them) is one artifact.
    const key = `${coordinates.groupId}:${coordinates.artifactId}@${coordinates.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    poms.push({ entry, coordinates });
  }

  const identity = identifyArchive(location.name, poms.map((p) => p.coordinates), manifest);
  const integrity = `sha1:${createHash('sha1').update(bytes).digest('hex')}`;
  const packages: ExtractedPackage[] = [];
  poms.forEach((pom, i) => {
    const xml = pomXml.get(dirName(pom.entry.name));
    const xmlText = xml === undefined ? undefined : reader.readText(xml);
    let licenses = xmlText === undefined ? [] : pomLicenses(xmlText);
    const own = identity?.pomIndex === i;
    if (own && licenses.length === 0) licenses = manifestLicenses(manifest);
    packages.push(mavenPackage(pom.coordinates, licenses, scan, location.archivePath, own ? integrity : undefined));
  });
  if (identity !== undefined && identity.pomIndex === undefined) {
    packages.push(mavenPackage(identity.coordinates, manifestLicenses(manifest), scan, location.archivePath, integrity));
  }
  if (identity === undefined && poms.length === 0) {
    reader.issue(undefined, 'no Maven coordinates: no pom.properties, no groupId/artifactId/version in the manifest, no version in the file name');
  }

  for (const entry of entries) {
    if (!isArchiveName(entry.name)) continue;
    if (location.depth + 1 > scan.limits.maxDepth) {
      reader.issue(entry.name, `nested deeper than ${scan.limits.maxDepth} archive levels; not read`);
      continue;
    }
    const inner = reader.read(entry, scan.limits.maxEntryBytes);
    if (inner === undefined) continue;
    const archivePath = location.archivePath === undefined ? entry.name : `${location.archivePath}!/${entry.name}`;
    packages.push(...archivePackages(inner, { name: entry.name, archivePath, depth: location.depth + 1 }, scan));
  }
  return packages;
}
