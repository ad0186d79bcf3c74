import { createHash } from 'node:crypto';

/**
 * Prisma Migrate's migration checksums, as its schema engine computes them (prisma-engines,
 * schema-connector `checksum.rs`; the Prisma 7 CLI reads each `migration.sql` with
 * `fs.readFile(path, 'utf-8')` and hands the text to the engine):
 *
 * - recorded: SHA-256 of the script's UTF-8 bytes, as 64 lower-case, zero-padded hex digits;
 * - compared: a recorded checksum matches when it equals that of the script as it is, with its
 *   CRLF line ends turned into LF, or with its LF turned into CRLF (git may change line ends);
 *   a recorded checksum that is not 64 characters long was written by an old engine that did
 *   not zero-pad each byte, and is compared in that format.
 */

function sha256(script: string): Buffer {
  return createHash('sha256').update(script, 'utf8').digest();
}

function hexPadded(digest: Buffer): string {
  return digest.toString('hex');
}

/** The old engines' format: each byte as hex without its leading zero. */
function hexUnpadded(digest: Buffer): string {
  let out = '';
  for (const byte of digest) out += byte.toString(16);
  return out;
}

/** The checksum Prisma records for a migration script. */
export function migrationChecksum(script: string): string {
  return hexPadded(sha256(script));
}

/** Whether a recorded checksum matches the script, under Prisma's rules. */
export function checksumMatches(script: string, recorded: string): boolean {
  const format = recorded !== '' && recorded.length !== 64 ? hexUnpadded : hexPadded;
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => format(sha256(variant)) === recorded);
}
