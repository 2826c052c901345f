/**
 * The inventory is a file-ownership graph: packages, the files they own, the layers that brought them, and the
 * non-fatal issues met on the way. Everything here is plain data, sorted deterministically.
 */

/** A digest as written in a package database or computed by grout. */
export interface FileDigest {
  algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512';
  /** Lower-case hex. */
  value: string;
}

/** One layer of the image, bottom first. A rootfs source has one pseudo-layer. */
export interface LayerRef {
  /** Position from the bottom, 0-based. */
  index: number;
  /** sha256 of the uncompressed tar (config rootfs.diff_ids); for a rootfs source, a digest of its path. */
  diffId: string;
  /** The blob digest as the manifest names it (compressed), when there is one. */
  digest?: string;
  mediaType?: string;
  /** Blob size in bytes as stored. */
  size?: number;
  /** The history `created_by` that made this layer, when the config has it. */
  createdBy?: string;
}

export interface Distro {
  /** os-release ID, lower-case: debian, ubuntu, alpine, rhel, centos, rocky, almalinux, fedora, opensuse-leap, sles, … */
  id: string;
  /** os-release VERSION_ID (or the version read from a *-release file): "12", "3.19.1", "8.9". */
  versionId?: string;
  /** Human version string (os-release VERSION), e.g. "12 (bookworm)". */
  version?: string;
  /** VERSION_CODENAME, e.g. bookworm. */
  codename?: string;
  name?: string;
  prettyName?: string;
  /** ID_LIKE, split on spaces. */
  idLike?: string[];
  cpeName?: string;
  /** In-image path the detection came from, e.g. etc/os-release. */
  source: string;
}

export type Ecosystem = 'deb' | 'rpm' | 'apk' | 'npm' | 'pypi' | 'maven' | 'golang' | 'cargo' | 'gem' | 'composer' | 'nuget';

/** A file as the merged (squashed) image shows it. Paths never start with a slash: `usr/bin/zcat`. */
export interface FileRecord {
  path: string;
  /** Index of the layer that wrote the visible version of this file. */
  layer: number;
  size: number;
  mode: number;
  type: 'file' | 'symlink' | 'hardlink' | 'dir' | 'other';
  linkTarget?: string;
  /** Digest(s) the owning package database records for this file. */
  digests?: FileDigest[];
  /** sha256 of the content, computed by grout for executables and shared libraries. */
  sha256?: string;
  /** What kind of executable this is, for ELF files and scripts. */
  executable?: ExecutableFacts;
  /** Ids of the packages that own this file; empty for an executable no package owns. */
  owners: string[];
}

/** What grout learns of an executable or library while its layer streams by. */
export interface ExecutableFacts {
  format: 'elf' | 'script';
  /** ELF object type. */
  elfType?: 'executable' | 'shared-library' | 'relocatable' | 'core' | 'other';
  /** ELF machine, e.g. x86-64, aarch64. */
  machine?: string;
  /** ELF program interpreter (PT_INTERP), e.g. /lib64/ld-linux-x86-64.so.2; absent for static binaries and libraries. */
  interpreter?: string;
  /** For a script, the interpreter its `#!` line names. */
  shebang?: string;
}

export interface PackageLocation {
  /** In-image path of the evidence (the package database file). */
  path: string;
  /** Layer that introduced the package. */
  layer: number;
}

/** A file a package says it owns, as its database records it (before merged-/usr mapping). */
export interface OwnedFile {
  path: string;
  digest?: FileDigest;
  /** dpkg conffile, rpm %config. */
  config?: boolean;
  size?: number;
  mode?: number;
}

export interface SourcePackage {
  name: string;
  version?: string;
}

export interface DpkgMetadata {
  kind: 'dpkg';
  maintainer?: string;
  installedSize?: number;
  depends?: string[];
  preDepends?: string[];
  provides?: string[];
  status?: string;
}

export interface ApkMetadata {
  kind: 'apk';
  origin?: string;
  maintainer?: string;
  size?: number;
  installedSize?: number;
  depends?: string[];
  provides?: string[];
  commit?: string;
  checksum?: string;
  buildTime?: number;
  url?: string;
  description?: string;
}

export interface RpmMetadata {
  kind: 'rpm';
  epoch?: number;
  release: string;
  sourceRpm?: string;
  vendor?: string;
  size?: number;
  summary?: string;
  modularityLabel?: string;
  sigmd5?: string;
  /** Header index in the database (rpm -q --qf %{DBINSTANCE}). */
  dbInstance?: number;
  /** PROVIDENAME as written (sonames, virtual names): what `dependsOn` entries of other rpms resolve against. */
  provides?: string[];
}

/** Facts about an application (language) package; one shape for every ecosystem, fields as they apply. */
export interface LanguageMetadata {
  kind: 'language';
  /** `installed`: found where it is installed (node_modules, site-packages, a jar, a binary); `declared`: named by a lockfile or manifest. */
  origin: 'installed' | 'declared';
  /** Only needed to develop the project (npm devDependencies, poetry dev group, composer require-dev). */
  dev?: boolean;
  /** A direct dependency of the project root (as opposed to transitive), when the source says. */
  direct?: boolean;
  /** Maven coordinates. */
  groupId?: string;
  artifactId?: string;
  /** Go: the module is the binary's main module; the toolchain that built the binary; a `replace` target. */
  mainModule?: boolean;
  goToolchain?: string;
  replacedBy?: string;
  /** Integrity or checksum as the source records it (npm `integrity`, go.sum `h1:`, Cargo `checksum`, jar sha1). */
  integrity?: string;
  /** Where the package came from (npm `resolved`, a git URL, a local path). */
  resolved?: string;
  /** For a package found inside an archive (a jar in a war): the path of the inner entry, `lib/a.jar!/lib/b.jar`. */
  archivePath?: string;
}

export type PackageMetadata = DpkgMetadata | ApkMetadata | RpmMetadata | LanguageMetadata;

/** What an extractor returns: one package as its evidence describes it. */
export interface ExtractedPackage {
  ecosystem: Ecosystem;
  name: string;
  /** The full version as the ecosystem writes it (deb: [epoch:]upstream[-revision]; rpm: [epoch:]version-release). */
  version: string;
  arch?: string;
  source?: SourcePackage;
  /** License strings as declared (SPDX expressions where the database has them). */
  licenses: string[];
  /** In-image path of the evidence, e.g. var/lib/dpkg/status. */
  evidence: string;
  ownedFiles?: OwnedFile[];
  /** Names (or provides) this package depends on, as written. Resolved to package ids by the catalog. */
  dependsOn?: string[];
  metadata?: PackageMetadata;
}

/** A package in the inventory. */
export interface Package {
  /** Stable id, unique within an inventory. */
  id: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  arch?: string;
  purl: string;
  source?: SourcePackage;
  licenses: string[];
  /** `name@version` of the extractor, e.g. os/dpkg@1. */
  foundBy: string;
  locations: PackageLocation[];
  /** In-image paths this package owns (after merged-/usr mapping), sorted. */
  files: string[];
  metadata?: PackageMetadata;
}

export type RelationshipType = 'depends-on' | 'owns';

export interface Relationship {
  from: string;
  to: string;
  type: RelationshipType;
}

/** A non-fatal problem: one bad file never hides the rest. */
export interface InventoryIssue {
  /** In-image path (or blob name) the issue is about. */
  path: string;
  layer?: number;
  /** Extractor or stage, e.g. os/dpkg@1, image, tar. */
  stage: string;
  reason: string;
}

export interface ImageDescription {
  /** The reference as the user gave it, e.g. docker-archive:app.tar. */
  reference: string;
  transport: 'docker-archive' | 'oci' | 'oci-archive' | 'rootfs' | 'registry' | 'sbom';
  /** Repository tags the source names (RepoTags, org.opencontainers.image.ref.name), sorted. */
  tags: string[];
  /** Manifest digest, when the source has a manifest. */
  manifestDigest?: string;
  /** Config digest (the image id). */
  configDigest?: string;
  os?: string;
  architecture?: string;
  variant?: string;
  /** Config `created`, ISO-8601, when present. */
  created?: string;
  layers: LayerRef[];
  /** Config labels, sorted by key. */
  labels: Record<string, string>;
}

export interface Inventory {
  image: ImageDescription;
  distro?: Distro;
  packages: Package[];
  files: FileRecord[];
  relationships: Relationship[];
  issues: InventoryIssue[];
  /** Extractors that ran, as name@version. */
  extractors: string[];
}
