import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface WebBundle {
  readonly js: string;
  readonly css: string;
}

const ENTRY = fileURLToPath(new URL('./web/main.ts', import.meta.url));

/**
 * The page's script and styles, bundled in memory from `src/web` and its npm packages (Leaflet
 * included) when the console starts: nothing is fetched from a CDN at run time, and there is no
 * build step to forget. Takes a few hundred milliseconds, once.
 */
export async function bundleWeb(): Promise<WebBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    outdir: 'out',
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    logLevel: 'silent',
  });
  const text = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}
