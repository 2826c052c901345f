/** Caps on what one outer archive may cost; every nested archive draws on the same budget. */
export interface ArchiveLimits {
  /** Deepest nesting read: the outer archive is depth 0, a jar in its `WEB-INF/lib/` depth 1. */
  maxDepth: number;
  /**
   * Bytes of entries read per outer file (inflated, or stored as is), over every nested archive. Stored entries
   * count because overlapping directory records can point any number of entries at the same bytes.
   */
  maxTotalBytes: number;
  /** Inflated size of one entry (a nested archive, a pom.properties…). */
  maxEntryBytes: number;
  /** Inflated size of one text entry (MANIFEST.MF, pom.properties, pom.xml). */
  maxTextBytes: number;
  /** Central-directory entries per archive. */
  maxEntries: number;
  /** An entry whose declared size is more than this many times its compressed size is treated as a zip bomb. */
  maxRatio: number;
}

const MiB = 1024 * 1024;

export const defaultArchiveLimits: Readonly<ArchiveLimits> = {
  maxDepth: 4,
  maxTotalBytes: 512 * MiB,
  maxEntryBytes: 256 * MiB,
  maxTextBytes: 4 * MiB,
  maxEntries: 100_000,
  maxRatio: 1000,
};
