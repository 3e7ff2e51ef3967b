import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { pathAliases } from './toolArguments';
import { confinePath, failed, fsErrorMessage } from './toolResults';
import { looksBinary, utf8Head } from './text';
import type { AgentTool } from './toolTypes';

export const readFileSchema = z.object({
  path: z.string().describe('File to read, relative to your working folder, e.g. "src/index.ts".'),
});

// Non-blocking so a named pipe cannot hang the agent; no-follow so a symlink swapped in after the check is not read.
const openFlags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

export const readFileTool: AgentTool<typeof readFileSchema> = {
  name: 'read_file',
  description:
    'Read a text file in your working folder and return its content exactly as stored (no line numbers). ' +
    'Paths are relative to the folder root; paths outside it and anything in .git are refused. ' +
    'Binary files are not shown, and a very large file is cut off, with a note saying so.',
  schema: readFileSchema,
  aliases: { path: pathAliases },
  async run(args, ctx) {
    const target = await confinePath('read_file', ctx, args.path);
    if (!target.ok) return target.result;
    let handle;
    try {
      handle = await open(target.absolute, openFlags);
    } catch (error) {
      return failed(fsErrorMessage(error, args.path));
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) return failed(`${JSON.stringify(args.path)} is a folder: use list_files to see what is in it`);
      if (!info.isFile()) return failed(`${JSON.stringify(args.path)} is not a regular file (a device or pipe): leave it alone`);
      const wanted = Math.min(info.size, ctx.limits.maxReadBytes);
      const bytes = Buffer.alloc(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(bytes, filled, wanted - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      const head = bytes.subarray(0, filled);
      if (looksBinary(head)) {
        return failed(`${JSON.stringify(args.path)} is a binary file (${info.size} bytes): read_file shows text files only`);
      }
      if (info.size === 0) return { ok: true, output: '(the file is empty)' };
      const text = utf8Head(head, filled);
      if (info.size <= wanted) return { ok: true, output: text };
      return {
        ok: true,
        output:
          `${text}\n[cut: showing the first ${filled} of ${info.size} bytes. ` +
          'Use search_files to find the lines you need; edit_file works on the whole file.]',
      };
    } finally {
      await handle.close();
    }
  },
};
