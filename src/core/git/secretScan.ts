import { MIN_KNOWN_SECRET_LENGTH } from '../events/redact';
import { fileOnlyShapes, tokenShapes } from '../events/tokenShapes';
import { unquoteC } from './mergeTreeParse';

// The scan of what an agent is about to commit (docs/decisions/0025): the lines its change adds, for the secrets
// Baton itself holds (its model key: the values redact.ts is given) and for the shapes of well-known credentials.
// Only added lines: a key the repository already had is the user's business, and a line the agent only moved or
// kept is not new. Only text: git calls a file over core.bigFileThreshold, or with a NUL byte, binary.

export interface SecretHit {
  /** Repository-relative, as git names it. */
  path: string;
  /** 1-based, in the file as it would be committed. */
  line: number;
  /** What it looks like ("an AWS access key id"): never the value. */
  kind: string;
}

/**
 * `git <these>`: the staged change as the scan reads it: no context, new-side line numbers, renames followed (a
 * renamed file adds no line), no program a repository may name, files over 8 MB taken as binary (not read).
 */
export const stagedPatchArgs: readonly string[] = [
  '-c', 'core.bigFileThreshold=8m', 'diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--src-prefix=a/', '--dst-prefix=b/',
];

/** What Baton holds itself: shown as this kind, whatever its shape. */
export const heldSecretKind = 'a secret Baton itself holds (its model API key)';

// Lock files and go.sum are full of base64 hashes ("integrity": "sha512-..."): taken out before the shapes are looked
// for, so a hash that happens to contain "AIza" and 35 more characters never asks a person.
const integrityHash = /(?<![A-Za-z0-9+/])(?:sha(?:1|256|384|512)-[A-Za-z0-9+/]{20,}={0,2}|h1:[A-Za-z0-9+/]{43}=)/g;

const shapes = [...tokenShapes, ...fileOnlyShapes];

/** At most this many hits are reported: enough to find them all in an ordinary change, bounded on a pathological one. */
const maxHits = 50;

/** The kind of secret on one added line, if any. */
export function secretOnLine(text: string, known: readonly string[]): string | undefined {
  if (known.some((s) => s.length >= MIN_KNOWN_SECRET_LENGTH && text.includes(s))) return heldSecretKind;
  const line = text.replace(integrityHash, '');
  for (const shape of shapes) {
    shape.pattern.lastIndex = 0;
    for (let m = shape.pattern.exec(line); m; m = shape.pattern.exec(line)) {
      if (!shape.plausible || shape.plausible(m[0])) return shape.name;
    }
  }
  return undefined;
}

/** The secrets on the lines a `git diff -U0` (stagedPatchArgs) adds, each with its file and line. */
export function secretsInPatch(patch: string, known: readonly string[]): SecretHit[] {
  const hits: SecretHit[] = [];
  let path: string | undefined;
  let header = false;
  let line = 0;
  for (const text of patch.split('\n')) {
    if (text.startsWith('diff --git ')) {
      header = true;
      path = undefined;
    } else if (text.startsWith('@@ ')) {
      header = false;
      line = Number(/^@@ -\d+(?:,\d+)? \+(\d+)/.exec(text)?.[1] ?? 0);
    } else if (header) {
      // In the header "+++ " names the file; in a hunk the same text is an added line that starts with "++ ".
      if (text.startsWith('+++ ')) path = pathOf(text.slice(4));
    } else if (text.startsWith('+')) {
      const kind = path === undefined ? undefined : secretOnLine(text.slice(1), known);
      if (kind) hits.push({ path: path!, line, kind });
      if (hits.length >= maxHits) break;
      line++;
    } else if (text.startsWith(' ')) line++;
  }
  return hits;
}

/** `b/<path>`, `"b/<quoted>"` or /dev/null; git adds a tab after a name with a space. */
function pathOf(name: string): string | undefined {
  const bare = name.endsWith('\t') ? name.slice(0, -1) : name;
  if (bare === '/dev/null') return undefined;
  const plain = bare.startsWith('"') && bare.endsWith('"') ? unquoteC(bare.slice(1, -1)) : bare;
  return plain.startsWith('b/') ? plain.slice(2) : plain;
}

/**
 * "src/a.ts line 3 (an AWS access key id), .env line 1 (...)": where, never what. Not "path:3": redaction takes
 * "...token:3" or "secret: x" for a name and its value, and would blank the very place a person must look.
 */
export function describeHits(hits: readonly SecretHit[], max = 8): string {
  const shown = hits.slice(0, max).map((h) => `${h.path} line ${h.line} (${h.kind})`).join(', ');
  return hits.length > max ? `${shown} and ${hits.length - max} more` : shown;
}
