import { join } from 'node:path';

export type EngineModule = typeof import('./engineModule');

let loaded: EngineModule | undefined;

/** Loads dist/engine.js once, on first use. */
export function loadEngineModule(extensionPath: string): EngineModule {
  // A computed path keeps esbuild from inlining the engine into dist/extension.js.
  loaded ??= require(join(extensionPath, 'dist', 'engine.js')) as EngineModule;
  return loaded;
}
