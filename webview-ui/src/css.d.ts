// esbuild bundles CSS imported for its side effect; TypeScript only needs to know they exist.
declare module '*.css';
