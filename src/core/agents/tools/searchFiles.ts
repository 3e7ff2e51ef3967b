import { matchesGlob } from 'node:path';
import { z } from 'zod';
import { confinePath, describeError, failed } from './toolResults';
import { searchInWorker } from './searchWorker';
import { capText } from './text';
import type { AgentTool } from './toolTypes';
import { walkTree } from './walk';

export const searchFilesSchema = z.object({
  pattern: z
    .string()
    .min(1)
    .describe('JavaScript regular expression matched against each line, case-sensitive, e.g. "export function \\w+".'),
  glob: z
    .string()
    .optional()
    .describe(
      'Only search files whose path matches this glob, e.g. "src/**/*.ts". A glob without "/" matches file names at ' +
        'any depth, e.g. "*.md".',
    ),
});

const maxMatches = 200;
const maxFileBytes = 2_000_000;
const maxLineChars = 300;
/** A search that takes longer is stuck on its pattern, not on the size of the repository. */
const maxSearchMs = 10_000;

export const searchFilesTool: AgentTool<typeof searchFilesSchema> = {
  name: 'search_files',
  description:
    'Search the text files of your working folder for lines matching a regular expression; optionally only files ' +
    'whose path matches a glob. Returns one match a line as "path:line: text". Skips .git, node_modules, binary ' +
    `files, files over 2 MB and symlinks; stops after ${maxMatches} matches.`,
  schema: searchFilesSchema,
  aliases: { pattern: ['query', 'regex', 'search', 'search_pattern'], glob: ['include', 'file_pattern', 'files_glob', 'path_glob'] },
  async run(args, ctx) {
    try {
      new RegExp(args.pattern);
    } catch (error) {
      return failed(
        `${JSON.stringify(args.pattern)} is not a valid JavaScript regular expression (${describeError(error)}): ` +
          'escape special characters such as ( [ . * + ? with a backslash',
      );
    }
    if (args.glob !== undefined) {
      try {
        matchesGlob('x', args.glob);
      } catch (error) {
        return failed(`${JSON.stringify(args.glob)} is not a usable glob (${describeError(error)}): use one like "src/**/*.ts" or "*.md"`);
      }
    }
    const root = await confinePath('search_files', ctx, '.');
    if (!root.ok) return root.result;
    const { glob } = args;
    // Like ripgrep's -g: "*.md" means Markdown files anywhere, which is what a model writing it expects.
    const wanted = (path: string) =>
      glob === undefined || matchesGlob(path, glob) || (!glob.includes('/') && matchesGlob(path.slice(path.lastIndexOf('/') + 1), glob));
    const files: string[] = [];
    for await (const entry of walkTree(root.absolute, '', ctx.signal)) {
      if (entry.kind === 'file' && wanted(entry.path)) files.push(entry.path);
    }
    const timeoutMs = Math.min(ctx.limits.commandTimeoutMs, maxSearchMs);
    const outcome = await searchInWorker(
      { root: root.absolute, files, pattern: args.pattern, maxMatches, maxFileBytes, maxLineChars },
      ctx.signal,
      timeoutMs,
    );
    const matching = glob === undefined ? '' : ` matching ${JSON.stringify(glob)}`;
    const where = `${files.length} file${files.length === 1 ? '' : 's'}${matching}`;
    switch (outcome.kind) {
      case 'cancelled':
        return failed('cancelled');
      case 'timeout':
        return failed(
          `the search was stopped after ${timeoutMs / 1000} s: simplify the pattern (avoid nested repeats such as (a+)+) ` +
            'or narrow it with glob',
        );
      case 'failed':
        return failed(`the search failed: ${outcome.message}`);
      case 'done': {
        if (outcome.matches.length === 0) return { ok: true, output: `No line matches /${args.pattern}/ in ${where}.` };
        const note = '[more matches not shown: make the pattern more specific or narrow it with glob]';
        const text = outcome.matches.join('\n');
        const output = capText(text, ctx.limits.maxOutputBytes, note);
        return { ok: true, output: outcome.truncated && output === text ? `${text}\n${note}` : output };
      }
    }
  },
};
