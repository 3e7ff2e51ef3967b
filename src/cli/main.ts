// The `baton` command. The runtime is checked before anything else loads, so an old Node gets
// a clear sentence instead of a failure deep inside a module. The secrets in the environment are taken out of
// process.env before that too (see secretVariables.ts), so no module and no child ever sees them there.
import { readFileSync } from 'node:fs';
import { checkRuntime } from '../core/runtime';
import { takeSecrets } from './secretVariables';

const env = takeSecrets(process.env, () => readFileSync(0, 'utf8'));

async function main(): Promise<number> {
  const wantsInfo = process.argv.slice(2).some((a) => ['-h', '--help', '-V', '--version'].includes(a));
  const runtime = checkRuntime('cli');
  if (!runtime.ok && !wantsInfo) {
    process.stderr.write(`baton: ${runtime.problem}\n${runtime.fix}\n`);
    return 2;
  }
  const { runCli } = await import('./program');
  return runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd() });
}

main().then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`baton: unexpected error: ${e instanceof Error ? e.message : String(e)}\nPlease report it with the output of \`baton doctor\`.\n`);
    process.exitCode = 1;
  },
);
