/**
 * The OpenPGP keys a source's release file must be signed with, as apt chooses them: the source's `Signed-By`
 * (keyring files in the image, an inline key block, or fingerprints picked from the default keyrings), else the
 * default keyrings `etc/apt/trusted.gpg` and `etc/apt/trusted.gpg.d/*.{gpg,asc}` (plus the distribution's
 * `usr/share/keyrings/*-archive-keyring.gpg`). `--keyring` files replace all of that for every source.
 */
import * as openpgp from 'openpgp';
import { GroutError } from '../../core/errors.js';
import type { AptSource, ImageFiles, SourceIssue } from './sources.js';

export type PublicKey = openpgp.PublicKey;

export interface NamedKeyFile {
  /** Shown in messages: an in-image path or a host path. */
  name: string;
  bytes: Buffer;
}

export interface KeyringOptions {
  /** `--keyring` files (binary `.gpg` or armored `.asc`); when given they are the only keys trusted. */
  keyrings?: readonly NamedKeyFile[];
}

const MAX_KEY_FILE_BYTES = 8 * 1024 * 1024;
const MAX_KEY_FILES = 256;
const TRUSTED_GPG = 'etc/apt/trusted.gpg';
const TRUSTED_DIR = 'etc/apt/trusted.gpg.d';
const KEYRINGS_DIR = 'usr/share/keyrings';

/** Parse a keyring file: armored when it has an armor header, else binary (concatenated key packets). */
export async function readKeyFile(file: NamedKeyFile): Promise<PublicKey[]> {
  if (file.bytes.length > MAX_KEY_FILE_BYTES) throw new GroutError('E_INPUT_FORMAT', `keyring ${file.name} is larger than ${MAX_KEY_FILE_BYTES} bytes`, { file: file.name });
  try {
    const head = file.bytes.subarray(0, 4096).toString('latin1');
    const keys = head.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')
      ? await openpgp.readKeys({ armoredKeys: file.bytes.toString('utf8') })
      : await openpgp.readKeys({ binaryKeys: new Uint8Array(file.bytes) });
    return keys.map((k) => (k.isPrivate() ? k.toPublic() : (k as PublicKey)));
  } catch (cause) {
    throw new GroutError('E_INPUT_FORMAT', `keyring ${file.name} is not an OpenPGP key file: ${(cause as Error).message}`, { file: file.name, cause, hint: 'give a binary (.gpg) or armored (.asc) public keyring' });
  }
}

/** Loads and caches the keys of an image (one instance per image). */
export class KeyringLoader {
  private readonly cache = new Map<string, Promise<PublicKey[]>>();
  private defaults: Promise<PublicKey[]> | undefined;
  private explicit: Promise<PublicKey[]> | undefined;
  /** Key files that could not be read; apt skips them too. */
  readonly issues: SourceIssue[] = [];

  constructor(
    private readonly files: ImageFiles,
    private readonly options: KeyringOptions = {},
  ) {}

  /** The keys allowed to sign `source`'s release file. E_SIGNATURE when a Signed-By keyring is absent. */
  async keysFor(source: AptSource): Promise<PublicKey[]> {
    if (this.options.keyrings !== undefined && this.options.keyrings.length > 0) {
      this.explicit ??= Promise.all(this.options.keyrings.map(readKeyFile)).then((lists) => lists.flat());
      return this.explicit;
    }
    const signedBy = source.signedBy;
    if (signedBy === undefined) return this.defaultKeys();
    const keys: PublicKey[] = [];
    for (const path of signedBy.files) {
      const inImage = path.replace(/^\/+/, '');
      const bytes = this.files.read(inImage);
      if (bytes === undefined) {
        throw new GroutError('E_SIGNATURE', `the keyring ${path} named by Signed-By of ${source.origin} is not in the image`, { file: inImage, hint: 'pass the archive keyring with --keyring' });
      }
      keys.push(...(await this.cached(inImage, bytes)));
    }
    for (const [i, armored] of signedBy.armored.entries()) {
      keys.push(...(await this.cached(`${source.origin} Signed-By#${i + 1}`, Buffer.from(armored))));
    }
    if (signedBy.fingerprints.length > 0) {
      const wanted = new Set(signedBy.fingerprints.map((f) => f.toLowerCase()));
      const pool = await this.defaultKeys();
      keys.push(...pool.filter((k) => k.getKeys().some((sub) => wanted.has(sub.getFingerprint().toLowerCase()))));
    }
    return keys;
  }

  private cached(name: string, bytes: Buffer): Promise<PublicKey[]> {
    let keys = this.cache.get(name);
    if (keys === undefined) {
      keys = readKeyFile({ name, bytes });
      this.cache.set(name, keys);
    }
    return keys;
  }

  private defaultKeys(): Promise<PublicKey[]> {
    this.defaults ??= this.loadDefaults();
    return this.defaults;
  }

  private async loadDefaults(): Promise<PublicKey[]> {
    const paths = [
      TRUSTED_GPG,
      ...this.files.children(TRUSTED_DIR).filter((n) => /^[A-Za-z0-9_.-]+\.(gpg|asc)$/.test(n)).sort().map((n) => `${TRUSTED_DIR}/${n}`),
      ...this.files.children(KEYRINGS_DIR).filter((n) => /^[A-Za-z0-9_.-]+-archive-keyring\.gpg$/.test(n)).sort().map((n) => `${KEYRINGS_DIR}/${n}`),
    ].slice(0, MAX_KEY_FILES);
    const keys: PublicKey[] = [];
    for (const path of paths) {
      const bytes = this.files.read(path);
      if (bytes === undefined || bytes.length === 0) continue;
      try {
        keys.push(...(await this.cached(path, bytes)));
      } catch (err) {
        if (!(err instanceof GroutError)) throw err;
        this.issues.push({ path, reason: err.message });
      }
    }
    return keys;
  }
}

/** `ABCD…` fingerprints of the primary keys, for messages. */
export function fingerprintsOf(keys: readonly PublicKey[]): string[] {
  return keys.map((k) => k.getFingerprint().toUpperCase());
}
