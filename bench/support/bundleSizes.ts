// Bundle sizes from the merged esbuild metafile that `node esbuild.mjs --production` writes to
// dist/meta.json: each bundle's bytes on disk and gzipped, and which modules went into it.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Bundle {
  /** Path relative to the repository root, e.g. `dist/extension.js`. */
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Every module esbuild put into the bundle. */
  modules: string[];
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The engine's libraries: none of them may be in the bundle that activation loads. */
export const engineModule = /@langchain|langgraph|openai/i;

export function readBundles(root: string): Bundle[] {
  const meta = JSON.parse(readFileSync(join(root, 'dist', 'meta.json'), 'utf8')) as Metafile;
  return Object.entries(meta.outputs)
    .filter(([path]) => /\.(js|css)$/.test(path))
    .map(([path, output]) => {
      const file = join(root, path);
      return {
        path,
        bytes: statSync(file).size,
        gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length,
        // Modules that tree shaking emptied are listed with 0 bytes: they are not in the bundle.
        modules: Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([m]) => m),
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
