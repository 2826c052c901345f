import type { Distro, FileRecord, ImageDescription, Package } from '../core/model.js';
import { compareText } from './compare.js';

/** A name/value pair in grout's namespace (`grout:…`), written as CycloneDX properties and SPDX annotations. */
export interface Fact {
  name: string;
  value: string;
}

/**
 * What grout knows about a package beyond name, version and purl, in a fixed order: package-level facts, then
 * ecosystem metadata, then one group per location (evidence path, layer index, layer diffId, layer command), so
 * the facts of one location stay together when a package has several.
 */
export function packageFacts(pkg: Package, image: ImageDescription): Fact[] {
  const facts: Fact[] = [];
  const add = (name: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') facts.push({ name, value: String(value) });
  };
  add('grout:package:arch', pkg.arch);
  add('grout:package:foundBy', pkg.foundBy);
  add('grout:source:name', pkg.source?.name);
  add('grout:source:version', pkg.source?.version);
  const meta = pkg.metadata;
  switch (meta?.kind) {
    case 'dpkg':
      add('grout:dpkg:maintainer', meta.maintainer);
      break;
    case 'apk':
      add('grout:apk:origin', meta.origin);
      add('grout:apk:maintainer', meta.maintainer);
      add('grout:apk:commit', meta.commit);
      break;
    case 'rpm':
      add('grout:rpm:epoch', meta.epoch);
      add('grout:rpm:release', meta.release);
      add('grout:rpm:vendor', meta.vendor);
      add('grout:rpm:sourceRpm', meta.sourceRpm);
      add('grout:rpm:modularityLabel', meta.modularityLabel);
      break;
    case 'language':
      add('grout:package:origin', meta.origin);
      add('grout:package:dev', meta.dev === undefined ? undefined : String(meta.dev));
      add('grout:package:archivePath', meta.archivePath);
      add('grout:go:toolchain', meta.goToolchain);
      break;
    case undefined:
      break;
  }
  for (const location of sortedLocations(pkg)) {
    const layer = image.layers.find((l) => l.index === location.layer);
    add('grout:package:evidence', location.path);
    add('grout:layer:index', location.layer);
    add('grout:layer:diffId', layer?.diffId);
    add('grout:layer:createdBy', layer?.createdBy);
  }
  return facts;
}

function sortedLocations(pkg: Package): Package['locations'] {
  return [...pkg.locations].sort((a, b) => a.layer - b.layer || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Who supplied the package, as its database says: the rpm vendor, the dpkg or apk maintainer. */
export function packageSupplier(pkg: Package): string | undefined {
  const meta = pkg.metadata;
  const who = meta?.kind === 'rpm' ? meta.vendor : meta?.kind === 'dpkg' || meta?.kind === 'apk' ? meta.maintainer : undefined;
  const cleaned = who?.replace(/\s+/g, ' ').trim();
  return cleaned ? cleaned : undefined;
}

/** The distribution, described as os-release describes it; sorted by name. */
export function distroFacts(distro: Distro): Fact[] {
  const facts: Fact[] = [];
  const add = (name: string, value: string | undefined): void => {
    if (value) facts.push({ name: `grout:distro:${name}`, value });
  };
  add('codename', distro.codename);
  add('cpeName', distro.cpeName);
  add('id', distro.id);
  add('idLike', distro.idLike?.join(' '));
  add('name', distro.name);
  add('prettyName', distro.prettyName);
  add('source', distro.source);
  add('version', distro.version);
  add('versionId', distro.versionId);
  return facts;
}

/** Facts about the image itself: how it was read, its digests and platform, its tags and labels. */
export function imageFacts(image: ImageDescription): Fact[] {
  const facts: Fact[] = [];
  const add = (name: string, value: string | undefined): void => {
    if (value) facts.push({ name, value });
  };
  add('grout:image:reference', image.reference);
  add('grout:image:transport', image.transport);
  add('grout:image:manifestDigest', image.manifestDigest);
  add('grout:image:configDigest', image.configDigest);
  add('grout:image:os', image.os);
  add('grout:image:architecture', image.architecture);
  add('grout:image:variant', image.variant);
  for (const tag of [...image.tags].sort(compareText)) add('grout:image:tag', tag);
  for (const key of Object.keys(image.labels).sort(compareText)) add(`grout:image:label:${key}`, image.labels[key]);
  return facts;
}

/** Where an unowned executable came from and what it is. */
export function fileFacts(file: FileRecord, image: ImageDescription): Fact[] {
  const facts: Fact[] = [];
  const add = (name: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') facts.push({ name, value: String(value) });
  };
  const layer = image.layers.find((l) => l.index === file.layer);
  add('grout:file:owned', 'false');
  add('grout:file:format', file.executable?.format);
  add('grout:file:elfType', file.executable?.elfType);
  add('grout:file:machine', file.executable?.machine);
  add('grout:file:interpreter', file.executable?.interpreter ?? file.executable?.shebang);
  add('grout:file:size', file.size);
  add('grout:layer:index', file.layer);
  add('grout:layer:diffId', layer?.diffId);
  add('grout:layer:createdBy', layer?.createdBy);
  return facts;
}

