/**
 * Pure parsing for conflict prediction: `git merge-tree` and `git diff -U0` output, and the arithmetic on the
 * changed line ranges. Kept apart from the git calls so the edge cases are testable without a repository.
 */

/**
 * One changed region of a side, in the BASE file's line numbers (1-based, inclusive).
 * A replacement or deletion covers base lines `start..end`. A pure insertion changes no base line: it sits in the
 * gap after base line `after` (0 = before the first line), and `start..end` is then its anchor line `max(after, 1)`,
 * so a user is pointed at a line that exists in the base file.
 */
export interface Hunk {
  readonly start: number;
  readonly end: number;
  /** Set for a pure insertion: the base line it inserts after. */
  readonly after?: number;
}

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/;

/** `@@ -s,c +...` to a Hunk; undefined for a line that is not a hunk header. */
export function parseHunkHeader(line: string): Hunk | undefined {
  const m = hunkHeader.exec(line);
  if (!m) return undefined;
  const start = Number(m[1]);
  const count = m[2] === undefined ? 1 : Number(m[2]);
  // In unified diffs a zero-length old side names the line the new text goes after.
  if (count === 0) return { start: Math.max(start, 1), end: Math.max(start, 1), after: start };
  return { start, end: start + count - 1 };
}

/** `git merge-tree --write-tree --name-only --no-messages -z` output: the tree id, then each conflicted path once. */
export function parseMergeTree(stdout: string): { tree: string; conflicted: string[] } {
  const [tree = '', ...paths] = stdout.split('\0');
  return { tree, conflicted: [...new Set(paths.filter((p) => p !== ''))] };
}

/** NUL-separated path list (`git diff -z --name-only`). */
export function parseNulList(stdout: string): string[] {
  return stdout.split('\0').filter((p) => p !== '');
}

/**
 * `git diff -U0 --no-renames --src-prefix=a/ --dst-prefix=b/` output to the hunks of each path. Without renames
 * both names in `diff --git a/P b/P` are the same, which is what makes the header unambiguous even with spaces.
 */
export function parseDiffHunks(stdout: string): Map<string, Hunk[]> {
  const out = new Map<string, Hunk[]>();
  let current: Hunk[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const path = headerPath(line.slice('diff --git '.length));
      current = path === undefined ? undefined : [];
      if (path !== undefined && current) out.set(path, current);
    } else if (current && line.startsWith('@@ ')) {
      const hunk = parseHunkHeader(line);
      if (hunk) current.push(hunk);
    }
  }
  return out;
}

function headerPath(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    // "a/Q" "b/Q": 9 characters of quotes, prefixes and the space around two copies of the quoted name.
    const q = rest.slice(3, 3 + (rest.length - 9) / 2);
    return unquoteC(q);
  }
  // a/P b/P
  if ((rest.length - 5) % 2 !== 0) return undefined;
  return rest.slice(2, 2 + (rest.length - 5) / 2);
}

/** Undoes git's C-style path quoting (\t, \n, \", \\, and octal bytes for the rest). */
export function unquoteC(quoted: string): string {
  const bytes: number[] = [];
  const named: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < quoted.length; i++) {
    const ch = quoted[i] ?? '';
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = quoted[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(quoted.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(named[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Whether two sides' changes hit the same base lines. Two insertions clash only at the same gap; an insertion
 * clashes with a replacement only when it lands strictly inside the replaced block.
 */
export function intersects(x: Hunk, y: Hunk): boolean {
  if (x.after !== undefined && y.after !== undefined) return x.after === y.after;
  if (x.after !== undefined) return y.start <= x.after && x.after + 1 <= y.end;
  if (y.after !== undefined) return intersects(y, x);
  return x.start <= y.end && y.start <= x.end;
}

/**
 * Whether two changes intersect or are adjacent. git's merge also conflicts on adjacent changes (measured with
 * 2.39: one side changing line 3 and the other line 4 conflicts), so this picks the hunks behind a textual conflict.
 */
export function touches(x: Hunk, y: Hunk): boolean {
  if (x.after !== undefined && y.after !== undefined) return x.after === y.after;
  if (x.after !== undefined) return y.start - 1 <= x.after && x.after <= y.end;
  if (y.after !== undefined) return touches(y, x);
  return x.start <= y.end + 1 && y.start <= x.end + 1;
}

/** The hunks of each side that meet a hunk of the other side under `meets`. */
export function meetingHunks(a: readonly Hunk[], b: readonly Hunk[], meets: (x: Hunk, y: Hunk) => boolean): { a: Hunk[]; b: Hunk[] } {
  return { a: a.filter((x) => b.some((y) => meets(x, y))), b: b.filter((y) => a.some((x) => meets(x, y))) };
}
