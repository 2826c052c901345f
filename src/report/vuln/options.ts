/** Options every vulnerability report format takes; each uses what applies to it. */
export interface VulnReportOptions {
  /** ANSI colour in the table (severity, bold headers). The caller decides (TTY, NO_COLOR). */
  color?: boolean;
  /** Also list suppressed findings (table, json, sarif, markdown), with the rule or VEX statement that suppressed them. */
  showSuppressed?: boolean;
  /** grout's version as written in documents (SARIF driver, CycloneDX tools, JSON tool); default: this build's. */
  toolVersion?: string;
  /** Markdown: the most findings listed before "and M more". Default 50. */
  maxRows?: number;
}
