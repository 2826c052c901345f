/** At most `limit` problems per file reach the inventory; a hostile file with a million bad stanzas gets a summary. */
export interface IssueSink {
  report(reason: string): void;
  /** Emit the "N more problems" line, if any were left out. */
  close(): void;
}

export function issueSink(issue: (path: string, reason: string) => void, path: string, limit = 20): IssueSink {
  let count = 0;
  return {
    report(reason) {
      count += 1;
      if (count <= limit) issue(path, reason);
    },
    close() {
      if (count > limit) issue(path, `${count - limit} more problems in this file not listed`);
    },
  };
}
