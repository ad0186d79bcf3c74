/** `pnpm build`, after tsc: the page's bundle into dist/web, where dist/main.js reads it. */
import { fileURLToPath } from 'node:url';
import { writeWebBundle } from '../src/bundle.ts';

await writeWebBundle(fileURLToPath(new URL('../dist', import.meta.url)));
