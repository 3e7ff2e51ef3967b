import { sep } from 'node:path';
import type { Cover, GitLayout } from './sandboxPaths';

/** Inside the sandbox: a private tmpfs, and the private HOME in it. Both are gone when the command ends. */
export const sandboxTmp = '/tmp';
export const sandboxHome = '/tmp/home';
/** Where the network proxy's socket appears inside (sandboxNetwork.ts). */
export const proxySocketInside = '/run/baton/proxy.sock';

export interface SandboxLayout {
  /** The agent's worktree: the one place besides the private /tmp where the command may write; its working folder. */
  readonly worktree: string;
  readonly git?: GitLayout;
  /** The user's home folders, hidden but for `toolchains` (sandboxPaths.ts). */
  readonly homes: readonly string[];
  readonly toolchains: readonly string[];
  /** Credential stores to cover where a toolchain brought them back. */
  readonly covers: readonly Cover[];
  /** The host side of the network proxy's socket, when the command may reach named hosts. */
  readonly proxySocket?: string;
  /** The argv run inside: `/bin/sh -c <command>`, or the proxy's bridge around it. */
  readonly argv: readonly string[];
}

// Folders replaced by an empty tmpfs: the host's temporary files (other programs' sockets, an ssh agent's, VS Code's
// IPC handles) and runtime state (/run/user/<uid>: the session's D-Bus and keyring; /run/docker.sock).
const replacedRoots = ['/tmp', '/run', '/var/tmp'];

const within = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/**
 * bwrap's arguments. Order matters: each mount lands on what the ones before it made. The root read-only, then the
 * folders replaced, then the repository's git directory read-only again (git inside must read it), then Baton's state
 * and the credential stores covered, then the worktree writable on top, and the covers made read-only last.
 */
export function bwrapArgs(layout: SandboxLayout): string[] {
  const args = [
    '--unshare-all', // PID, network, IPC, UTS, cgroup and (unprivileged) user namespaces of its own
    '--die-with-parent', // Baton gone, command gone
    '--new-session', // no TIOCSTI into the terminal Baton runs in
    '--cap-drop', 'ALL', // as root (CI), bwrap keeps every capability unless told: one could remount / writable
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc', // the PID namespace's own: no /proc/<pid>/environ of Baton or of anything else
  ];
  for (const root of replacedRoots) args.push('--tmpfs', root);
  const exposed = [layout.worktree, ...layout.toolchains, ...(layout.git ? [layout.git.commonDir] : [])];
  const hidden = [...replacedRoots, ...layout.homes];
  const readOnly: string[] = [];
  for (const home of layout.homes) {
    // One inside a replaced root or another home (a test's HOME under the account's) is hidden with it.
    if (hidden.some((root) => root !== home && within(home, root))) continue;
    args.push('--tmpfs', home);
    readOnly.push(home);
  }
  for (const path of layout.toolchains) args.push('--ro-bind', path, path);
  if (layout.git) {
    args.push('--ro-bind', layout.git.commonDir, layout.git.commonDir);
    if (layout.git.batonDirExists) {
      args.push('--tmpfs', layout.git.batonDir);
      readOnly.push(layout.git.batonDir);
    }
  }
  for (const cover of layout.covers) {
    // A store in a hidden folder is gone already, unless a toolchain or the repository brought it back.
    if (hidden.some((root) => within(cover.path, root)) && !exposed.some((e) => within(cover.path, e))) continue;
    if (within(layout.worktree, cover.path)) continue; // a worktree inside a store: the user put it there
    if (cover.kind === 'dir') {
      args.push('--tmpfs', cover.path);
      readOnly.push(cover.path);
    } else args.push('--ro-bind', '/dev/null', cover.path);
  }
  args.push('--bind', layout.worktree, layout.worktree);
  if (layout.git) args.push('--ro-bind', layout.git.dotGit, layout.git.dotGit);
  for (const path of readOnly) args.push('--remount-ro', path);
  args.push('--dir', sandboxHome);
  if (layout.proxySocket) args.push('--dir', '/run/baton', '--ro-bind', layout.proxySocket, proxySocketInside);
  args.push('--remount-ro', '/run');
  // The environment goes to bwrap as its own (spawn's env), which it passes on: values in --setenv would be on a
  // command line any local user can read in /proc.
  args.push('--chdir', layout.worktree, '--info-fd', '3', '--', ...layout.argv);
  return args;
}
