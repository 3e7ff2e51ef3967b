import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomicWrite';
import { pathAliases } from './toolArguments';
import { confinePath, failed, fsErrorMessage } from './toolResults';
import { looksBinary } from './text';
import type { AgentTool } from './toolTypes';

export const editFileSchema = z.object({
  path: z.string().describe('File to change, relative to your working folder, e.g. "src/index.ts".'),
  old: z
    .string()
    .describe(
      'Exact text to replace, including indentation and line breaks, copied from the file. It must occur exactly ' +
        'once: include a few surrounding lines to make it unique.',
    ),
  new: z.string().describe('Text to put in its place, exactly as it should appear.'),
});

export const editFileTool: AgentTool<typeof editFileSchema> = {
  name: 'edit_file',
  description:
    'Replace one exact piece of text in a file in your working folder. The `old` text must occur exactly once in ' +
    'the file, character for character; otherwise nothing changes and the reply says how often it occurred. ' +
    'Use write_file to create a file or replace it whole.',
  schema: editFileSchema,
  aliases: {
    path: pathAliases,
    old: ['old_string', 'old_str', 'old_text', 'old_content', 'search', 'find', 'original', 'before'],
    new: ['new_string', 'new_str', 'new_text', 'new_content', 'replace', 'replacement', 'after'],
  },
  changes: true,
  async run(args, ctx) {
    const shown = JSON.stringify(args.path);
    if (args.old === '') {
      return failed('`old` is empty: copy the exact text to replace from the file (read_file shows it); use write_file to create a file');
    }
    if (args.old === args.new) return failed('`old` and `new` are the same, so nothing would change: put the new text in `new`');
    const target = await confinePath('edit_file', ctx, args.path);
    if (!target.ok) return target.result;
    try {
      // A pipe would block the read forever; a folder gets the clearer message below.
      const info = await stat(target.absolute);
      if (!info.isFile() && !info.isDirectory()) return failed(`${shown} is not a regular file (a device or pipe): leave it alone`);
      const bytes = await readFile(target.absolute);
      if (looksBinary(bytes)) return failed(`${shown} is a binary file: edit_file changes text files only`);
      const text = bytes.toString('utf8');
      const count = occurrences(text, args.old);
      if (count === 0) return failed(notFound(shown, text, args.old));
      if (count > 1) {
        return failed(
          `\`old\` occurs ${count} times in ${shown}, so the place to change is ambiguous and nothing was changed: ` +
            'include more surrounding lines in `old` (and the same lines in `new`) so it matches exactly one place',
        );
      }
      const at = text.indexOf(args.old);
      // Slicing, not String.replace: a `$&` or `$1` in the new text must be written as it is.
      await writeFileAtomic(target.absolute, text.slice(0, at) + args.new + text.slice(at + args.old.length), info.mode & 0o7777);
      const line = text.slice(0, at).split('\n').length;
      return { ok: true, output: `Edited ${target.relative} at line ${line}.`, changedFiles: [target.relative] };
    } catch (error) {
      return failed(fsErrorMessage(error, args.path));
    }
  },
};

/** Counts overlapping matches too: "aa" in "aaa" is two places, so it is ambiguous. */
function occurrences(text: string, part: string): number {
  let count = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) count++;
  return count;
}

function notFound(shown: string, text: string, old: string): string {
  const hint =
    text.includes('\r\n') && old.includes('\n') && !old.includes('\r\n')
      ? ' The file uses Windows line endings (\\r\\n) but `old` uses \\n: write `old` with \\r\\n.'
      : ' Read the file again with read_file and copy the text exactly, including spaces and indentation.';
  return `\`old\` does not occur in ${shown} (0 times), so nothing was changed.${hint}`;
}
