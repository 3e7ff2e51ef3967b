// Reading JSON out of what a model actually sends back. Asked for JSON, models still wrap it in a fenced block,
// open with "Here is the plan:", close with "Let me know if...", or wrap it in {"plan": {...}}. Every piece of
// the reply that parses is a candidate; the caller keeps the first that fits its schema.

/** Where a balanced-brace scan starts at most: a reply full of stray braces must not cost quadratic time. */
const maxStarts = 200;

/**
 * The JSON values a reply may mean, most likely first: the whole reply, each fenced block, each balanced
 * `{...}` in the text, and the inside of an object that only wraps another ({"plan": {...}}, or a function call
 * written out as {"name": ..., "arguments": {...}}). Empty when nothing in it parses.
 */
export function jsonCandidates(text: string): unknown[] {
  const found: unknown[] = [];
  const seen = new Set<string>();
  const add = (piece: string) => {
    const body = piece.trim();
    if (!body || seen.has(body)) return;
    seen.add(body);
    try {
      const value: unknown = JSON.parse(body);
      found.push(value, ...unwrapped(value));
    } catch {
      // Not JSON: the other pieces may be.
    }
  };
  add(text);
  for (const fence of text.matchAll(/```[^\n`]*\n([\s\S]*?)```/g)) add(fence[1]!);
  for (const span of objectSpans(text)) add(span);
  return found;
}

/** Why a reply yields no JSON at all, as the model should read it. */
export function noJsonProblem(text: string): string {
  const body = text.trim();
  if (!body) return 'the reply was empty: send the JSON object';
  let reason = 'no JSON object in it';
  try {
    JSON.parse(body);
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  return `not valid JSON (${reason}); the reply began: ${JSON.stringify(body.slice(0, 80))}. Send only the JSON object`;
}

/** Each top-level `{...}` whose braces balance, strings and escapes respected, in order of appearance. */
function objectSpans(text: string): string[] {
  const spans: string[] = [];
  let starts = 0;
  for (let i = text.indexOf('{'); i !== -1 && starts < maxStarts; starts++) {
    const end = closingBrace(text, i);
    if (end === -1) {
      i = text.indexOf('{', i + 1);
      continue;
    }
    spans.push(text.slice(i, end + 1));
    i = text.indexOf('{', end + 1);
  }
  return spans;
}

/** The index of the `}` closing the `{` at `start`, or -1 when the text ends first. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : -1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

function unwrapped(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const entries = Object.entries(value);
  const inner: unknown[] = [];
  const args = (value as Record<string, unknown>).arguments ?? (value as Record<string, unknown>).parameters;
  if (typeof args === 'string') {
    try {
      inner.push(JSON.parse(args));
    } catch {
      // A function call written out with arguments that are not JSON: nothing to unwrap.
    }
  } else if (typeof args === 'object' && args !== null) inner.push(args);
  const only = entries.length === 1 ? entries[0]![1] : undefined;
  if (typeof only === 'object' && only !== null && !Array.isArray(only)) inner.push(only);
  return inner;
}
