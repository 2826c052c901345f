/** Reports problems about one in-image file, at most `limit` of them, then one line saying how many were left out. */
export interface IssueSink {
  report(reason: string): void;
  /** Emit the "N more problems" line, if any were left out. Call once when the file is done. */
  close(): void;
}

/** A problem reporter for one file: hostile input can have millions of bad lines, the inventory gets a few. */
export function issueSink(
  issue: (path: string, reason: string) => void,
  path: string,
  limit = 20,
): IssueSink {
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
