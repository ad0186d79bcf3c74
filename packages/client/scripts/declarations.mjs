/**
 * Points the client's declarations at the contract's, which tsconfig.contracts.json emits into
 * dist/contracts/: @rideline/contracts is a workspace package nobody outside can install, so a
 * .d.ts naming it would leave an app's socket messages untyped (`any` under skipLibCheck).
 * Fails the build if a declaration still names another workspace package.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

const DIST = 'dist';
const CONTRACT = '@rideline/contracts/socket-messages';
const CONTRACT_DECLARATIONS = join(DIST, 'contracts', 'socket-messages.ts');

const files = (await readdir(DIST, { recursive: true })).filter((file) => file.endsWith('.d.ts') && !file.startsWith(`contracts${sep}`));
for (const file of files) {
  const path = join(DIST, file);
  const text = await readFile(path, 'utf8');
  let target = relative(dirname(path), CONTRACT_DECLARATIONS).split(sep).join('/');
  if (!target.startsWith('.')) target = `./${target}`;
  const rewritten = text.replaceAll(`'${CONTRACT}'`, `'${target}'`);
  const leftover = /from '(@rideline\/[^']+)'/.exec(rewritten);
  if (leftover) throw new Error(`${path} imports ${leftover[1]}, which is not published: bundle its declarations too`);
  if (rewritten !== text) await writeFile(path, rewritten);
}
