import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { resolveInside } from './confine';
import { confinePath, failed, fsErrorMessage } from './toolResults';
import { capText } from './text';
import { walkTree } from './walk';
import type { AgentTool } from './toolTypes';

export const listFilesSchema = z.object({
  path: z
    .string()
    .optional()
    .describe('Folder to list, relative to your working folder, e.g. "src". Leave it out to list the whole folder.'),
});

/** Enough to see a project's shape; past it the model should list a subfolder. */
export const maxListedEntries = 500;

export const listFilesTool: AgentTool<typeof listFilesSchema> = {
  name: 'list_files',
  description:
    'List the files and folders under a folder of your working folder, recursively, sorted, one path a line; ' +
    `folders end in "/". Paths are relative to the working folder root, ready to pass to read_file. .git is hidden; ` +
    `node_modules is shown but not entered; symlinks are marked and not followed. At most ${maxListedEntries} entries: ` +
    'list a subfolder to see more.',
  schema: listFilesSchema,
  aliases: { path: ['directory', 'dir', 'folder', 'dir_path', 'directory_path', 'folder_path'] },
  async run(args, ctx) {
    const path = args.path ?? '.';
    const target = await confinePath('list_files', ctx, path);
    if (!target.ok) return target.result;
    try {
      if (!(await stat(target.absolute)).isDirectory()) {
        return failed(`${JSON.stringify(path)} is a file, not a folder: use read_file to read it`);
      }
    } catch (error) {
      return failed(fsErrorMessage(error, path));
    }
    // Paths are shown relative to the real root, which confinement resolved, so they match what other tools take.
    const root = await resolveInside(ctx.root, '.');
    if (!root.ok) return failed(root.reason);
    const lines: string[] = [];
    let more = false;
    for await (const entry of walkTree(root.absolute, target.relative === '.' ? '' : target.relative, ctx.signal)) {
      if (lines.length === maxListedEntries) {
        more = true;
        break;
      }
      const suffix = entry.kind === 'folder' ? '/' : entry.kind === 'symlink' ? ' (symlink, not followed)' : '';
      lines.push(`${entry.path}${suffix}${entry.pruned ? ' (contents not listed)' : ''}`);
    }
    if (ctx.signal.aborted) return failed('cancelled');
    if (lines.length === 0) return { ok: true, output: '(the folder is empty)' };
    const note = '[listing cut short: list a subfolder, e.g. list_files {"path": "src"}, to see the rest]';
    const text = lines.join('\n');
    const output = capText(text, ctx.limits.maxOutputBytes, note);
    return { ok: true, output: more && output === text ? `${text}\n${note}` : output };
  },
};
