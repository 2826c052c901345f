import type { AnyExtractor } from '../extractor.js';
import { goBinaryExtractor } from './golang/binary/index.js';
import { goModExtractor } from './golang/mod/index.js';
import { apkExtractor } from './os/apk/index.js';
import { dpkgExtractor, opkgExtractor } from './os/dpkg/index.js';
import { rpmExtractor } from './os/rpm/index.js';
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
  goBinaryExtractor,
  goModExtractor,
  cargoAuditableExtractor,
  cargoLockExtractor,
];
