/**
 * The client's JavaScript for dist/: one ESM bundle per entry, with the contract's socket
 * message schemas (a workspace package consumed as TypeScript source) compiled in, so that the
 * built package runs without the workspace. typebox and openapi-fetch stay dependencies.
 * Declarations come from tsc (`--emitDeclarationOnly`).
 */
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  conditions: ['development'],
  mainFields: ['module', 'main'],
  external: ['typebox', 'typebox/*', 'openapi-fetch'],
  sourcemap: true,
  logLevel: 'warning',
});
