/**
 * One error type for everything grout reports as fatal. Each carries a stable code; the CLI maps codes to
 * exit codes (see `exitCodeFor`) and the documentation lists them (README "Exit codes").
 */
export type ErrorCode =
  | 'E_USAGE' // bad command line
  | 'E_SOURCE_SYNTAX' // the image reference could not be understood
  | 'E_IMAGE_NOT_FOUND' // path, tag or digest does not exist
  | 'E_IMAGE_FORMAT' // a manifest, config, index or archive is malformed
  | 'E_PLATFORM' // the requested platform is not in the index
  | 'E_DIGEST_MISMATCH' // a blob's bytes do not match its digest
  | 'E_LAYER_FORMAT' // a layer could not be decompressed or is not a valid tar
  | 'E_UNSAFE_PATH' // an entry escapes the tree (../, absolute link target outside)
  | 'E_TOO_LARGE' // a size cap was exceeded
  | 'E_IO' // the file system refused
  | 'E_DB_MISSING' // no vulnerability database yet (run grout db update, or db import offline)
  | 'E_DB_FORMAT' // the vulnerability database file is not one grout can read (corrupt, or a newer schema)
  | 'E_NETWORK' // a download failed: connection refused, DNS, TLS, HTTP error status
  | 'E_REGISTRY_AUTH' // a registry refused the credentials, or needs some and none were given
  | 'E_FEED_FORMAT' // a feed file is not in the format it claims, or no format handler recognises it
  | 'E_INPUT_FORMAT' // a user-supplied file (SBOM, ignore file, VEX document) is malformed
  | 'E_SIGNATURE' // a signed file (APT InRelease) has a bad or unknown-key signature, or its validity expired
  | 'E_INTERNAL';

export interface GroutErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
  /** The file (or blob, or in-image path) the error is about. */
  file?: string;
}

export class GroutError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: GroutErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GroutError';
    this.code = code;
    this.hint = options.hint;
    this.file = options.file;
  }
}

export function isGroutError(value: unknown): value is GroutError {
  return value instanceof GroutError;
}

/**
 * Exit codes. 0 success; 1 is reserved for "findings at or above --fail-on" (scan); 2 usage; 3 the image could
 * not be found or read; 4 the image is malformed or unsafe; 5 internal error.
 */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'E_USAGE':
    case 'E_SOURCE_SYNTAX':
      return 2;
    case 'E_IMAGE_NOT_FOUND':
    case 'E_PLATFORM':
    case 'E_IO':
    case 'E_DB_MISSING':
    case 'E_NETWORK':
    case 'E_REGISTRY_AUTH':
      return 3;
    case 'E_IMAGE_FORMAT':
    case 'E_DIGEST_MISMATCH':
    case 'E_LAYER_FORMAT':
    case 'E_UNSAFE_PATH':
    case 'E_TOO_LARGE':
    case 'E_DB_FORMAT':
    case 'E_FEED_FORMAT':
    case 'E_INPUT_FORMAT':
    case 'E_SIGNATURE':
      return 4;
    case 'E_INTERNAL':
      return 5;
  }
}
