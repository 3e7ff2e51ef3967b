import { lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomicWrite';
import { pathAliases } from './toolArguments';
import { confinePath, failed, fsErrorMessage } from './toolResults';
import type { AgentTool } from './toolTypes';

export const writeFileSchema = z.object({
  path: z.string().describe('File to create or replace, relative to your working folder, e.g. "src/util/slug.ts".'),
  content: z.string().describe('The complete new content of the file. It replaces the whole file.'),
});

export const writeFileTool: AgentTool<typeof writeFileSchema> = {
  name: 'write_file',
  description:
    'Create a file, or replace a whole file, in your working folder; missing parent folders are created. ' +
    'Paths are relative to the folder root; paths outside it and anything in .git are refused. ' +
    'To change part of an existing file, prefer edit_file.',
  schema: writeFileSchema,
  aliases: { path: pathAliases, content: ['contents', 'text', 'file_content', 'file_contents', 'data', 'body', 'code'] },
  changes: true,
  async run(args, ctx) {
    const target = await confinePath('write_file', ctx, args.path);
    if (!target.ok) return target.result;
    const shown = JSON.stringify(args.path);
    try {
      // Confinement already found whether the path exists (missing 0) and whether its folder does (missing <= 1).
      const existing = target.missing === 0 ? await lstat(target.absolute).catch(() => undefined) : undefined;
      if (existing?.isDirectory()) return failed(`${shown} is a folder: give the path of a file inside it`);
      if (existing && !existing.isFile()) return failed(`${shown} is not a regular file (a device or pipe): leave it alone`);
      if (target.missing > 1) await mkdir(dirname(target.absolute), { recursive: true });
      await writeFileAtomic(target.absolute, args.content, existing ? existing.mode & 0o7777 : null);
      const bytes = Buffer.byteLength(args.content, 'utf8');
      return {
        ok: true,
        output: `${existing ? 'Replaced' : 'Created'} ${target.relative} (${bytes} bytes).`,
        changedFiles: [target.relative],
      };
    } catch (error) {
      return failed(fsErrorMessage(error, args.path));
    }
  },
};
