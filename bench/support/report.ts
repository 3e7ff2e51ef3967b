// Shared by the benchmarks: small statistics, the machine they ran on, and docs/benchmarks.md,
// where each benchmark owns the text between its own pair of markers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export interface Summary { median: number; min: number; max: number; n: number }

export function summarize(values: number[]): Summary {
  if (!values.length) throw new Error('no values to summarize');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${process.platform}-${process.arch}, Node ${process.version}`;
}

/** The 1-minute load average: other work on the machine spreads the figures, so the report says how busy it was. */
export function load(): number {
  return Number(loadavg()[0]!.toFixed(1));
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const intro = `# Benchmarks

Speed and size are measured by the benchmarks under \`bench/\`, which compare Baton with a baseline
measured in the same run and print ratios; no test has a wall-clock threshold. Run them all with

    npm run bench              # prints the results
    npm run bench -- --write   # and records them here

(\`npm run bench\` provisions Node 24 like \`npm test\` does, and runs every \`bench/*.ts\`.) The figures
below were recorded on the project's CI-sized machine: 2 cores, no network.
`;

/** Replaces the text between `<!-- bench:<name>:start -->` and its end marker, adding the section if missing. */
export function writeSection(file: string, name: string, markdown: string): void {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : intro;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from
    ? current.slice(0, from) + block + current.slice(to + end.length)
    : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** `--name value` from the command line, else `fallback`; `--write` records the results in docs/benchmarks.md. */
export const benchArgs = {
  write: process.argv.includes('--write'),
  option(name: string, fallback: string): string {
    const argv = process.argv.slice(2);
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] ?? fallback : fallback;
  },
};

/** Prints a benchmark's section, records it with --write, and says whether its targets held. */
export function report(name: string, section: string, verdict: string, ok: boolean): number {
  console.log(section);
  console.error(`[bench] ${ok ? 'PASS' : 'FAIL'} ${verdict}`);
  if (benchArgs.write) {
    writeSection(join(resolve(import.meta.dirname, '..', '..'), 'docs', 'benchmarks.md'), name, section);
    console.error('[bench] wrote docs/benchmarks.md');
  }
  return ok ? 0 : 1;
}

/** Runs a benchmark's main and exits with its code: non-zero when a target failed or it could not run. */
export function runBench(main: () => Promise<number>): void {
  main().then((code) => process.exit(code), (e: unknown) => {
    console.error(`[bench] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  });
}
