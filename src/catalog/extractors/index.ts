import type { AnyExtractor } from '../extractor.js';
import { depsJsonExtractor } from './dotnet/deps-json/index.js';
import { goBinaryExtractor } from './golang/binary/index.js';
import { goModExtractor } from './golang/mod/index.js';
import { javaArchiveExtractor } from './java/archive/index.js';
import { npmInstalledExtractor, packageLockExtractor, pnpmLockExtractor, yarnLockExtractor } from './javascript/index.js';
import { apkExtractor } from './os/apk/index.js';
import { dpkgExtractor, opkgExtractor } from './os/dpkg/index.js';
import { rpmExtractor } from './os/rpm/index.js';
import { composerInstalledExtractor } from './php/composer-installed/index.js';
import { composerLockExtractor } from './php/composer-lock/index.js';
import {
  pipfileLockExtractor,
  poetryLockExtractor,
  pythonInstalledExtractor,
  pythonRequirementsExtractor,
  uvLockExtractor,
} from './python/index.js';
import { gemfileLockExtractor } from './ruby/gemfile-lock/index.js';
import { gemspecExtractor } from './ruby/gemspec/index.js';
import { cargoAuditableExtractor } from './rust/cargo-auditable/index.js';
import { cargoLockExtractor } from './rust/cargo-lock/index.js';

/**
 * Every extractor grout runs by default. OS package databases first; then application packages, which the
 * catalog drops where an OS package owns their evidence file. `golang/sum` is not listed: go.sum also names modules
 * a build only considered, and go.mod already gives the required set.
 */
export const defaultExtractors: readonly AnyExtractor[] = [
  dpkgExtractor,
  opkgExtractor,
  apkExtractor,
  rpmExtractor,
  npmInstalledExtractor,
  packageLockExtractor,
  yarnLockExtractor,
  pnpmLockExtractor,
  pythonInstalledExtractor,
  pythonRequirementsExtractor,
  poetryLockExtractor,
  pipfileLockExtractor,
  uvLockExtractor,
  javaArchiveExtractor,
  goBinaryExtractor,
  goModExtractor,
  cargoAuditableExtractor,
  cargoLockExtractor,
  gemspecExtractor,
  gemfileLockExtractor,
  composerInstalledExtractor,
  composerLockExtractor,
  depsJsonExtractor,
];
