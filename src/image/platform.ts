import { GroutError } from '../core/errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Parse `linux/arm64`, `linux/arm/v7`, `linux/amd64`. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new GroutError('E_USAGE', `invalid platform ${JSON.stringify(text)}`, { hint: 'write os/arch[/variant], e.g. linux/arm64' });
  }
  return variant ? { os, architecture: normaliseArch(architecture), variant } : { os, architecture: normaliseArch(architecture) };
}

export function formatPlatform(p: { os?: string | undefined; architecture?: string | undefined; variant?: string | undefined }): string {
  return [p.os ?? '?', p.architecture ?? '?', ...(p.variant ? [p.variant] : [])].join('/');
}

/** The platform of this machine in OCI terms. */
export function hostPlatform(): Platform {
  const arch = normaliseArch(process.arch);
  if (arch === 'arm') return { os: 'linux', architecture: 'arm', variant: 'v7' };
  if (arch === 'arm64') return { os: 'linux', architecture: 'arm64', variant: 'v8' };
  return { os: 'linux', architecture: arch };
}

const ARCH_ALIASES: Record<string, string> = {
  x64: 'amd64',
  x86_64: 'amd64',
  aarch64: 'arm64',
  ia32: '386',
  i386: '386',
  ppc64: 'ppc64le',
};

export function normaliseArch(arch: string): string {
  return ARCH_ALIASES[arch] ?? arch;
}

/**
 * Does an index entry's platform satisfy the wanted one? The variant must match when both name one, except that
 * arm64 without a variant means v8.
 */
export function platformMatches(wanted: Platform, candidate: { os?: string; architecture?: string; variant?: string }): boolean {
  if (candidate.os !== wanted.os) return false;
  if (normaliseArch(candidate.architecture ?? '') !== wanted.architecture) return false;
  const cv = candidate.variant ?? (wanted.architecture === 'arm64' ? 'v8' : undefined);
  const wv = wanted.variant ?? (wanted.architecture === 'arm64' ? 'v8' : undefined);
  return cv === undefined || wv === undefined || cv === wv;
}
