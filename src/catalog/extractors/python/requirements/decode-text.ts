/**
 * Text of a requirements file: UTF-8, or UTF-16 (little or big endian) when a byte order mark says so, as pip
 * reads it (pip's `auto_decode`). Windows editors write UTF-16LE with a BOM. A UTF-16LE file without a BOM is
 * recognised by its second byte being NUL (requirements files start with ASCII).
 */
export function decodeText(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3);
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16le(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return utf16le(swapped.swap16());
  }
  if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0) return utf16le(bytes);
  return bytes.toString('utf8');
}

function utf16le(bytes: Buffer): string {
  return bytes.toString('utf16le', 0, bytes.length & ~1);
}
