import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { ConfigError } from '../core/config/configError';
import { BatonError } from '../core/errors';
import { demoCommand } from './commands/demo';
import { doctorCommand } from './commands/doctor';
import { memoryCommand } from './commands/memory';
import { serveCommand } from './commands/serve';
import { trustCommand } from './commands/trust';
import { cancelCommand, decideCommand, listCommand, resumeCommand, rollbackCommand, runCommand, statusCommand } from './commands/workflows';
import { CliError, exitCodes } from './exitCodes';
import { usage, version } from './usage';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const common: Options = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

/** Each command: its options and how many positionals it takes. */
const commands: Record<string, { options: Options; positionals: [min: number, max: number] }> = {
  run: {
    options: {
      repo: { type: 'string' }, mode: { type: 'string' }, budget: { type: 'string' }, concurrency: { type: 'string' },
      model: { type: 'string' }, 'base-url': { type: 'string' }, approve: { type: 'string' }, detach: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' },
      check: { type: 'string' }, 'keep-worktrees': { type: 'boolean' }, 'budget-tokens': { type: 'string' }, 'trust-repo-config': { type: 'boolean' },
    },
    positionals: [1, 1],
  },
  status: { options: { repo: { type: 'string' } }, positionals: [1, 1] },
  list: { options: { repo: { type: 'string' } }, positionals: [0, 0] },
  approve: { options: { repo: { type: 'string' }, reason: { type: 'string' }, budget: { type: 'string' } }, positionals: [1, 2] },
  reject: { options: { repo: { type: 'string' }, reason: { type: 'string' } }, positionals: [1, 2] },
  resume: {
    options: {
      repo: { type: 'string' }, approve: { type: 'string' }, budget: { type: 'string' }, concurrency: { type: 'string' }, model: { type: 'string' },
      'base-url': { type: 'string' }, check: { type: 'string' }, 'keep-worktrees': { type: 'boolean' }, 'trust-repo-config': { type: 'boolean' },
    },
    positionals: [1, 1],
  },
  cancel: { options: { repo: { type: 'string' }, 'keep-worktrees': { type: 'boolean' } }, positionals: [1, 1] },
  rollback: { options: { repo: { type: 'string' }, to: { type: 'string' }, checkpoint: { type: 'string' }, task: { type: 'string' }, restart: { type: 'boolean' }, list: { type: 'boolean' } }, positionals: [1, 1] },
  serve: { options: { repo: { type: 'string' }, port: { type: 'string' } }, positionals: [0, 0] },
  doctor: { options: { repo: { type: 'string' } }, positionals: [0, 0] },
  demo: { options: {}, positionals: [0, 0] },
  memory: { options: { repo: { type: 'string' } }, positionals: [0, 2] },
  trust: { options: { repo: { type: 'string' }, show: { type: 'boolean' }, revoke: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } }, positionals: [0, 0] },
};

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`baton: ${message}\n\n${usage}`);
  return exitCodes.usage;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout.write(usage);
    return name === undefined ? exitCodes.usage : exitCodes.completed;
  }
  if (name === '-V' || name === '--version') {
    io.stdout.write(`${version}\n`);
    return exitCodes.completed;
  }
  const spec = commands[name];
  if (!spec) return usageError(io, `unknown command "${name}"`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...common, ...spec.options }, allowPositionals: true, strict: true });
  } catch (e) {
    // Node's message goes on to explain `--`; the first sentence is the useful part.
    return usageError(io, e instanceof Error ? e.message.split(/\. |\n/)[0]! : String(e));
  }
  if (parsed.values.help) {
    io.stdout.write(usage);
    return exitCodes.completed;
  }
  const [min, max] = spec.positionals;
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    return usageError(io, `"${name}" takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${count}`);
  }
  const [first, second] = parsed.positionals;
  const flags = parsed.values;
  try {
    switch (name) {
      case 'doctor': return await doctorCommand(flags, io);
      case 'run': return await runCommand(first!, flags, io);
      case 'resume': return await resumeCommand(first!, flags, io);
      case 'status': return await statusCommand(first!, flags, io);
      case 'list': return await listCommand(flags, io);
      case 'approve': return await decideCommand('approve', first!, second, flags, io);
      case 'reject': return await decideCommand('reject', first!, second, flags, io);
      case 'cancel': return await cancelCommand(first!, flags, io);
      case 'rollback': return await rollbackCommand(first!, flags, io);
      case 'demo': return await demoCommand(flags, io);
      case 'memory': return await memoryCommand(first, second, flags, io);
      case 'serve': return await serveCommand(flags, io);
      case 'trust': return await trustCommand(flags, io);
      default:
        throw new CliError(`"baton ${name}" is not available in this build (${version}) yet; see the CHANGELOG.`);
    }
  } catch (e) {
    return reportError(e, io);
  }
}

/** Known errors become one message and their exit code; anything else is reported without a stack trace. */
function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CliError) {
    io.stderr.write(`baton: ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof ConfigError) {
    io.stderr.write(`baton: ${e.message}\n`);
    return exitCodes.usage;
  }
  // StoreErrors (a damaged, locked or newer database, a full disk) are BatonErrors of kind 'state': exit 1.
  if (e instanceof BatonError) {
    io.stderr.write(`baton: ${e.describe()}\n`);
    return e.kind === 'config' || e.kind === 'usage' ? exitCodes.usage : e.kind === 'cancelled' ? exitCodes.cancelled : exitCodes.failed;
  }
  throw e;
}
