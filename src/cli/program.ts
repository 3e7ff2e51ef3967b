import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { doctorCommand } from './commands/doctor';
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
    },
    positionals: [1, 1],
  },
  status: { options: { repo: { type: 'string' } }, positionals: [1, 1] },
  list: { options: { repo: { type: 'string' } }, positionals: [0, 0] },
  approve: { options: { repo: { type: 'string' }, reason: { type: 'string' } }, positionals: [1, 2] },
  reject: { options: { repo: { type: 'string' }, reason: { type: 'string' } }, positionals: [1, 2] },
  resume: { options: { repo: { type: 'string' } }, positionals: [1, 1] },
  cancel: { options: { repo: { type: 'string' } }, positionals: [1, 1] },
  rollback: { options: { repo: { type: 'string' }, to: { type: 'string' } }, positionals: [1, 1] },
  serve: { options: { repo: { type: 'string' }, port: { type: 'string' } }, positionals: [0, 0] },
  doctor: { options: { repo: { type: 'string' } }, positionals: [0, 0] },
  demo: { options: {}, positionals: [0, 0] },
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
  try {
    if (name === 'doctor') return await doctorCommand(parsed.values, io);
    throw new CliError(`"baton ${name}" needs the orchestration engine, which this build (${version}, the foundation release) does not include yet.`);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr.write(`baton: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
