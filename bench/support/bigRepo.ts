// A repository of many files, made in one `git fast-import` (writing and adding 20,000 files one by
// one would take longer than what is measured). Files are spread over folders like a real project's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

const identity = { GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@baton.invalid', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@baton.invalid' };

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity }, maxBuffer: 256 * 1024 * 1024 }).trim();
}

/** The path of file `i` of the big repository: 200 folders of 100 files. */
export function filePath(i: number): string {
  return `src/mod${String(Math.floor(i / 100)).padStart(3, '0')}/file${String(i % 100).padStart(2, '0')}.ts`;
}

/** Line `n` (1-based) of a file as first committed. */
export function fileLine(i: number, n: number): string {
  return `export const value${n} = ${i * 1000 + n}; // line ${n} of file ${i}`;
}

export function makeBigRepo(parent: string, files: number, linesPerFile = 40): string {
  const dir = mkdtempSync(join(parent, 'baton-bench-repo-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  const chunks: string[] = ['commit refs/heads/main', 'committer Bench <bench@baton.invalid> 1700000000 +0000', 'data 14', 'initial files'];
  for (let i = 0; i < files; i++) {
    const text = Array.from({ length: linesPerFile }, (_, n) => fileLine(i, n + 1)).join('\n') + '\n';
    chunks.push(`M 100644 inline ${filePath(i)}`, `data ${Buffer.byteLength(text)}`, text.slice(0, -1));
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: chunks.join('\n') + '\n', maxBuffer: 64 * 1024 * 1024 });
  git(dir, 'reset', '--hard', '--quiet', 'main');
  return dir;
}
