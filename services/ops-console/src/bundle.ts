import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WebBundle {
  readonly js: string;
  readonly css: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Where `pnpm build` writes the bundle, next to the compiled server (dist/web). */
const BUILT = { js: path.join(HERE, 'web', 'app.js'), css: path.join(HERE, 'web', 'app.css') };

/**
 * The page's script and styles, bundled by esbuild from `src/web` and its npm packages (Leaflet
 * included): nothing is fetched from a CDN at run time. The workspace packages are read from
 * their sources (the `development` condition), so a bundle never depends on their dist/.
 * esbuild is imported only here, so the compiled image, which reads the bundle `pnpm build`
 * wrote, needs neither it nor Leaflet.
 */
export async function bundleWeb(): Promise<WebBundle> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./web/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    conditions: ['development'],
    minify: true,
    sourcemap: false,
    outdir: 'out',
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    logLevel: 'silent',
  });
  const text = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

/** Writes the bundle where the compiled server finds it (`pnpm build`). */
export async function writeWebBundle(outDir: string): Promise<void> {
  const bundle = await bundleWeb();
  await mkdir(path.join(outDir, 'web'), { recursive: true });
  await writeFile(path.join(outDir, 'web', 'app.js'), bundle.js);
  await writeFile(path.join(outDir, 'web', 'app.css'), bundle.css);
}

/**
 * The bundle `pnpm build` wrote next to the compiled server, or (from the sources, under tsx)
 * one made now in memory: a few hundred milliseconds, once, at start.
 */
export async function loadWebBundle(): Promise<WebBundle> {
  if (!existsSync(BUILT.js)) return bundleWeb();
  const [js, css] = await Promise.all([readFile(BUILT.js, 'utf8'), readFile(BUILT.css, 'utf8')]);
  return { js, css };
}
