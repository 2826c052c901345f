/**
 * The rpm header tag numbers and data types this extractor reads.
 * Numbers from rpm's `include/rpm/rpmtag.h`; only the ones used here are listed.
 */

/** Header data types (`rpmTagType`). */
export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

export type RpmTypeCode = (typeof RpmType)[keyof typeof RpmType];

/** Tags of the region entries that open a header (`RPMTAG_HEADERIMAGE` … `RPMTAG_HEADERIMMUTABLE`). */
export const RegionTag = {
  HEADERIMAGE: 61,
  HEADERSIGNATURES: 62,
  HEADERIMMUTABLE: 63,
} as const;

export const RpmTag = {
  HEADERI18NTABLE: 100,
  SIGMD5: 261,
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  FILESIZES: 1028,
  FILEMODES: 1030,
  FILEDIGESTS: 1035,
  FILEFLAGS: 1037,
  SOURCERPM: 1044,
  PROVIDENAME: 1047,
  REQUIRENAME: 1049,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
  LONGFILESIZES: 5008,
  LONGSIZE: 5009,
  FILEDIGESTALGO: 5011,
  MODULARITYLABEL: 5096,
} as const;

/** `RPMFILE_CONFIG`: the file is %config. */
export const RPMFILE_CONFIG = 1;
