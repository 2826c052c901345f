import { GROUT_VERSION } from '../../grout-version.js';
import type { VulnReportOptions } from './options.js';

export const TOOL_NAME = 'grout';
/**
 * Where users learn about grout (SARIF `tool.driver.informationUri`, optional). grout has no published home page
 * yet, so none is claimed; set it here when there is one and the goldens follow.
 */
export const TOOL_URI: string | undefined = undefined;

/** grout's version as documents name it: the option, else this build's. */
export function toolVersion(options: VulnReportOptions): string {
  const v = options.toolVersion?.trim();
  return v ? v : GROUT_VERSION;
}
