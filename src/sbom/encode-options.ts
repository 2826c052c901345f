/** Options shared by the SBOM encoders. */
export interface EncodeOptions {
  /** grout's version, written as the tool that made the document. Default: `unknown` (the CLI passes its own). */
  toolVersion?: string;
}

export const TOOL_NAME = 'grout';

export function toolVersionOf(opts: EncodeOptions | undefined): string {
  const version = opts?.toolVersion?.trim();
  return version ? version : 'unknown';
}
