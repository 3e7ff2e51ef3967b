// Types for scripts/tools.mjs, which stays plain JavaScript so it runs before anything is built.
export interface ProvisionedNode { bin: string; home: string | null; version: string }
export const MIN_NODE: [number, number];
export const NODE_PACKAGE: string;
export const CODE_SERVER_VERSION: string;
export const CHROMIUM: string;
export function toolsDir(): string;
export function nodeIsRecentEnough(version: string): boolean;
export function ensureNode(): ProvisionedNode;
export function childEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function envWithNode(node: Pick<ProvisionedNode, 'home'>, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function npmInstallInto(dir: string, specs: string[], env: NodeJS.ProcessEnv): void;
export function ensureChromium(): string;
export function ensureCodeServer(node: ProvisionedNode): string;
export const STOCK_SAVER_VERSION: string;
export function ensureStockSaver(node: ProvisionedNode): string;
