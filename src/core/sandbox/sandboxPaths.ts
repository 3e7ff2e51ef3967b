import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';

// Which parts of the machine a sandboxed command sees. The system is there read-only (/usr, /etc, /opt: builds find
// their tools in too many places to list). The user's home folders are not: a command's HOME is a private folder, so
// no tool looks there by default, and what a home holds (other projects, shell history, browser profiles, keys) is
// none of an agent's business. Only the toolchains PATH and the toolchain variables point into come back, read-only,
// and credential stores inside those are covered again.

/**
 * Credential stores in a home folder, as tools keep them: ssh, cloud CLIs, registries, git, databases, keyrings, and
 * Baton's own settings (~/.config/baton may hold a PostgreSQL URL or a webhook). The sandbox's HOME is a private folder,
 * so no tool looks here by default; these are covered for a command that looks on purpose.
 */
export const credentialStores = [
  '.ssh', '.gnupg', '.aws', '.azure', '.config/gcloud', '.kube', '.docker', '.config/gh', '.config/hub', '.config/glab-cli',
  '.netrc', '.npmrc', '.yarnrc', '.yarnrc.yml', '.pypirc', '.pgpass', '.my.cnf', '.git-credentials', '.config/git/credentials',
  '.cargo/credentials', '.cargo/credentials.toml', '.gem/credentials', '.m2/settings.xml', '.gradle/gradle.properties',
  '.local/share/keyrings', '.password-store', '.config/Code/User/globalStorage', '.vscode-server/data/User/globalStorage',
  '.config/baton',
] as const;

export interface GitLayout {
  /** The repository's shared git directory (the main `.git`): read-only inside, git needs its objects and refs. */
  readonly commonDir: string;
  /** Baton's state in it (`.git/baton`): worktrees of every agent, the database, audit logs. Hidden but for the worktree. */
  readonly batonDir: string;
  readonly batonDirExists: boolean;
  /**
   * The worktree's own `.git` (the file pointing at its gitdir, or a main tree's folder), made read-only again over
   * the writable tree: a command that pointed it elsewhere would hand Baton's next git command a config of its own.
   */
  readonly dotGit: string;
}

/** Where `worktree`'s git data lives, from its `.git` (a folder, or a file `gitdir: <path>` in a linked worktree). */
export function gitLayout(worktree: string): GitLayout | undefined {
  const dotGit = join(worktree, '.git');
  let stat;
  try {
    stat = lstatSync(dotGit);
  } catch {
    return undefined; // not a git working tree: nothing of git's to protect
  }
  if (stat.isDirectory()) {
    const commonDir = realpathSync(dotGit);
    return { ...withBatonDir(commonDir), dotGit: commonDir };
  }
  const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
  if (!pointer) return undefined;
  const gitDir = resolve(worktree, pointer);
  let commonDir = gitDir;
  try {
    const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    commonDir = isAbsolute(common) ? common : resolve(gitDir, common);
  } catch {
    // No commondir file: the gitdir is the common directory itself.
  }
  commonDir = realIfExists(commonDir) ?? commonDir;
  return { ...withBatonDir(commonDir), dotGit };
}

function withBatonDir(commonDir: string): Pick<GitLayout, 'commonDir' | 'batonDir' | 'batonDirExists'> {
  const batonDir = join(commonDir, 'baton');
  return { commonDir, batonDir, batonDirExists: realIfExists(batonDir) !== undefined };
}

export interface Cover {
  readonly path: string;
  readonly kind: 'dir' | 'file';
}

/** The user's home folders (the account's and $HOME), resolved; never `/`, which is a home for some service accounts. */
export function homeFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  const homes = new Set<string>([homedir()]);
  try {
    homes.add(userInfo().homedir);
  } catch {
    // An account with no passwd entry (a container's arbitrary uid): $HOME is all there is.
  }
  if (env.HOME) homes.add(env.HOME);
  return [...new Set([...homes].map(realIfExists).filter((h): h is string => h !== undefined && h !== '/'))];
}

// Where a toolchain says it is installed; with HOME private it finds itself only through these.
const toolchainVariables = ['JAVA_HOME', 'GOROOT', 'RUSTUP_HOME', 'CARGO_HOME', 'PYENV_ROOT', 'NVM_DIR', 'VIRTUAL_ENV'];

/**
 * What a command needs from inside the home folders: for each PATH folder there, its installation (the folder
 * above `bin`: ~/.nvm/versions/node/v22/bin needs ../lib), and the toolchain variables' folders. Read-only.
 */
export function toolchainsInHomes(env: Readonly<Record<string, string | undefined>>, homes: readonly string[]): string[] {
  const inHome = (path: string) => homes.some((home) => path !== home && path.startsWith(home + sep));
  const found = new Set<string>();
  for (const entry of (env.PATH ?? '').split(delimiter).filter(isAbsolute)) {
    const real = realIfExists(entry);
    if (real === undefined || !inHome(real)) continue;
    const prefix = /[/\\]s?bin$/.test(real) ? dirname(real) : real;
    found.add(inHome(prefix) ? prefix : real);
  }
  for (const name of toolchainVariables) {
    const real = env[name] && isAbsolute(env[name]) ? realIfExists(env[name]) : undefined;
    if (real !== undefined && inHome(real)) found.add(real);
  }
  return [...found];
}

/** The existing credential stores of the user's home folders, resolved through symlinks. */
export function credentialCovers(homes: readonly string[]): Cover[] {
  const covers = new Map<string, Cover>();
  for (const home of homes) {
    for (const store of credentialStores) {
      const real = realIfExists(join(home, store));
      if (real === undefined || real === '/') continue;
      covers.set(real, { path: real, kind: statSync(real).isDirectory() ? 'dir' : 'file' });
    }
  }
  return [...covers.values()];
}

export function realIfExists(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
