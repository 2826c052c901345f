import type { FileDigest, OwnedFile } from '../../../../core/model.js';
import type { RpmHeader } from './header.js';
import { RPMFILE_CONFIG, RpmTag } from './tags.js';

/**
 * The files a header says its package owns: paths from BASENAMES + DIRNAMES + DIRINDEXES (or the legacy
 * OLDFILENAMES), with FILEDIGESTS in the FILEDIGESTALGO algorithm (md5 when absent), FILESIZES (or
 * LONGFILESIZES), FILEMODES and FILEFLAGS (%config). Directories, symlinks and %ghost files are listed too, as
 * `rpm -ql` lists them. Paths lose their leading slash. Inconsistent per-file arrays are reported, not trusted.
 */
export interface OwnedFilesResult {
  files: OwnedFile[];
  problems: string[];
}

/** PGPHASHALGO_* values (RFC 4880 hash algorithm ids) that grout's FileDigest can carry. */
const DIGEST_ALGORITHMS: Readonly<Record<number, { algorithm: FileDigest['algorithm']; hexLength: number }>> = {
  1: { algorithm: 'md5', hexLength: 32 },
  2: { algorithm: 'sha1', hexLength: 40 },
  8: { algorithm: 'sha256', hexLength: 64 },
  10: { algorithm: 'sha512', hexLength: 128 },
};

const HEX = /^[0-9a-f]+$/;

export function ownedFilesFromHeader(header: RpmHeader): OwnedFilesResult {
  const problems: string[] = [];
  const paths = filePaths(header, problems);
  if (paths.length === 0) return { files: [], problems };

  /** A per-file array, or undefined when absent or not one value per file. */
  const perFile = <T>(name: string, values: T[] | undefined): T[] | undefined => {
    if (values === undefined || values.length === paths.length) return values;
    problems.push(`${name} has ${values.length} values for ${paths.length} files; ignored`);
    return undefined;
  };
  const digests = perFile('FILEDIGESTS', header.strings(RpmTag.FILEDIGESTS));
  const sizes =
    perFile('LONGFILESIZES', header.numbers(RpmTag.LONGFILESIZES)) ?? perFile('FILESIZES', header.numbers(RpmTag.FILESIZES));
  const modes = perFile('FILEMODES', header.numbers(RpmTag.FILEMODES));
  const flags = perFile('FILEFLAGS', header.numbers(RpmTag.FILEFLAGS));

  const algoId = header.number(RpmTag.FILEDIGESTALGO) ?? 1;
  const algo = DIGEST_ALGORITHMS[algoId];
  if (algo === undefined && digests?.some((d) => d !== '')) {
    problems.push(`file digest algorithm ${algoId} is not one grout records; digests left out`);
  }

  const files: OwnedFile[] = paths.map((path, i) => {
    const file: OwnedFile = { path };
    const digest = digests?.[i]?.toLowerCase();
    if (algo !== undefined && digest !== undefined && digest.length === algo.hexLength && HEX.test(digest)) {
      file.digest = { algorithm: algo.algorithm, value: digest };
    }
    const size = sizes?.[i];
    if (size !== undefined) file.size = size;
    const mode = modes?.[i];
    if (mode !== undefined) file.mode = mode;
    const flag = flags?.[i];
    if (flag !== undefined && (flag & RPMFILE_CONFIG) !== 0) file.config = true;
    return file;
  });
  return { files, problems };
}

function filePaths(header: RpmHeader, problems: string[]): string[] {
  const basenames = header.strings(RpmTag.BASENAMES);
  if (basenames === undefined) {
    const old = header.strings(RpmTag.OLDFILENAMES);
    return old === undefined ? [] : old.map(stripSlash);
  }
  const dirnames = header.strings(RpmTag.DIRNAMES);
  const dirindexes = header.numbers(RpmTag.DIRINDEXES);
  if (dirnames === undefined || dirindexes === undefined || dirindexes.length !== basenames.length) {
    problems.push(
      `BASENAMES has ${basenames.length} entries but DIRINDEXES has ${dirindexes?.length ?? 'none'} and DIRNAMES ${dirnames?.length ?? 'none'}; files left out`,
    );
    return [];
  }
  const out: string[] = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirindexes[i] ?? -1];
    if (dir === undefined) {
      problems.push(`file ${i} points at directory ${dirindexes[i]} of ${dirnames.length}; files left out`);
      return [];
    }
    out.push(stripSlash(dir + (basenames[i] ?? '')));
  }
  return out;
}

function stripSlash(path: string): string {
  return path.replace(/^\/+/, '');
}
