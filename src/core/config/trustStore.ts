import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './configError';

// The user's answers to repositories' requests, like direnv's allow list: keyed by the repository's working tree
// (a clone elsewhere is another checkout, whose `npm test` may do something else) and the sha256 of the requested
// content. One JSON file in the user's settings area, read by the CLI and the extension alike, never in a repository.

export type TrustDecision = 'trusted' | 'declined';

const entrySchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  decision: z.enum(['trusted', 'declined']),
  /** When the user answered (ISO 8601). */
  at: z.string(),
  /** What was asked, kept so `baton trust --show` can say what an answer was about. */
  requests: z.object({ check: z.string().optional(), commands: z.array(z.string()).default([]), network: z.array(z.string()).optional() }),
});
const fileSchema = z.object({ version: z.literal(1), repositories: z.record(z.string(), z.array(entrySchema)) });

export type TrustEntry = z.output<typeof entrySchema>;
type TrustFile = z.output<typeof fileSchema>;

export class TrustStore {
  /** `path` undefined: no settings area (no home folder), so nothing is remembered. */
  constructor(readonly path: string | undefined) {}

  async entries(repoRoot: string): Promise<TrustEntry[]> {
    return (await this.read()).repositories[repoRoot] ?? [];
  }

  async find(repoRoot: string, sha256: string): Promise<TrustEntry | undefined> {
    return (await this.entries(repoRoot)).find((e) => e.sha256 === sha256);
  }

  /** Keeps an answer (replacing an earlier one for the same content); false when there is nowhere to keep it. */
  async record(repoRoot: string, entry: TrustEntry): Promise<boolean> {
    if (this.path === undefined) return false;
    const file = await this.read();
    file.repositories[repoRoot] = [...(file.repositories[repoRoot] ?? []).filter((e) => e.sha256 !== entry.sha256), entry];
    await this.write(file);
    return true;
  }

  /** Forgets every answer about a repository; returns what was forgotten. */
  async forget(repoRoot: string): Promise<TrustEntry[]> {
    if (this.path === undefined) return [];
    const file = await this.read();
    const gone = file.repositories[repoRoot] ?? [];
    if (!gone.length) return [];
    delete file.repositories[repoRoot];
    await this.write(file);
    return gone;
  }

  private async read(): Promise<TrustFile> {
    const empty: TrustFile = { version: 1, repositories: {} };
    if (this.path === undefined) return empty;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return empty;
      throw this.unusable(code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'it cannot be read (permission denied)' : (error as Error).message);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw this.unusable(`it is not valid JSON (${(error as Error).message})`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw this.unusable(`it is not a trust file of this Baton (${parsed.error.issues[0]?.message ?? 'unknown shape'})`);
    return parsed.data;
  }

  /** Written whole to a temporary file, then renamed over: a reader never sees half a file. Only the user may read it. */
  private async write(file: TrustFile): Promise<void> {
    const path = this.path!;
    const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new ConfigError(path, [{ path: '', line: 1, column: 1, message: `Baton cannot write its trust file: ${(error as Error).message}` }],
        `Make ${dirname(path)} a folder you can write to, then answer again.`);
    }
  }

  private unusable(why: string): ConfigError {
    return new ConfigError(this.path!, [{ path: '', line: 1, column: 1, message: `Baton cannot use its trust file: ${why}` }],
      `Remove ${this.path} (Baton then asks again about each repository's requests), or fix it.`);
  }
}
