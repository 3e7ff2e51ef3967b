// Debian packages for the tests (Chromium, PostgreSQL, gssapi headers, bubblewrap, socat), system-wide, so they are
// installed once per machine and not per tools cache.
import { spawnSync } from 'node:child_process';

function log(msg) {
  process.stderr.write(`[tools] ${msg}\n`);
}

// Others may use apt on this machine at the same time (another engineer's tests, unattended
// upgrades). DPkg::Lock::Timeout makes apt-get wait for dpkg's lock; the package lists' and the
// archives' locks have no such option, so a run that found one of those taken is tried again.
const APT_WAIT_MS = 600_000;

/** Installs Debian packages, as root or through sudo without a password. */
export function aptInstall(packages) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  log(`installing Debian packages: ${packages.join(' ')}`);
  const t0 = Date.now();
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', '-o', `DPkg::Lock::Timeout=${APT_WAIT_MS / 1000}`, ...args];
    for (;;) {
      const r = spawnSync(cmd, rest, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (r.status === 0) return;
      if (/Could not get lock|Unable to lock/.test(r.stderr ?? '') && Date.now() - t0 < APT_WAIT_MS) {
        log(`apt is busy elsewhere; trying 'apt-get ${args[0]}' again in 10 s`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
        continue;
      }
      process.stderr.write(r.stderr ?? '');
      throw new Error(`'apt-get ${args.join(' ')}' failed (exit ${r.status}). Install ${packages.join(', ')} yourself and run again.`);
    }
  };
  run(['update', '-qq']);
  run(['install', '-y', '-qq', ...packages]);
  log(`installed ${packages.join(' ')} in ${Math.round((Date.now() - t0) / 1000)} s`);
}

export function debInstalled(name) {
  return spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout?.includes('install ok installed');
}
