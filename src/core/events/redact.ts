// Secrets must never reach events, the audit log or logs: those are kept forever, shown in the panel and
// streamed over HTTP. Agents echo command output and model text, so secrets appear inside free text as well as
// in fields with telling names; both are handled here. Redaction is idempotent, so every layer may apply it.

import { textOnlyShapes, tokenShapes } from './tokenShapes';

export const REDACTED = '[REDACTED]';

/** Known secret values (the API key in use, a database password) shorter than this are not searched for. */
export const MIN_KNOWN_SECRET_LENGTH = 8;

// A field whose name says it holds a secret: apiKey, api_key, OPENAI_API_KEY, password, PGPASSWORD, authorization,
// accessToken, client_secret... but not promptTokens or maxTokens.
const secretNameSuffix =
  String.raw`(?:api[_-]?key|apikey|passw(?:or)?d|secret|token|authorization|auth|private[_-]?key|credentials?|cookie)`;
const secretKey = new RegExp(`${secretNameSuffix}$`, 'i');

interface TextRule {
  readonly pattern: RegExp;
  readonly replace: string;
}

// Every rule starts matching only where its token starts (a lookbehind, not \b) and bounds its repetitions:
// model output can be 100 KB of text like `a.b.c...`, on which a naive pattern backtracks for seconds.
const textRules: readonly TextRule[] = [
  // Credentials inside URLs: postgres://user:secret@host, https://user:token@github.com
  { pattern: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@'"]*:)[^\s@/'"]+@/gi, replace: `$1${REDACTED}@` },
  // HTTP authorization schemes
  { pattern: /\b(Bearer|Basic|Token)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/g, replace: `$1 ${REDACTED}` },
  // key=value / key: value / "key": "value" where the key names a secret (env dumps, headers, JSON in text)
  {
    pattern: new RegExp(
      String.raw`(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,64}?${secretNameSuffix})(["']?\s*[:=]\s*["']?)(?!\[REDACTED\]|Bearer\b|Basic\b|Token\b)[^\s"'&,;}]+`,
      'gi',
    ),
    replace: `$1$2${REDACTED}`,
  },
  // Well-known token shapes, wherever they appear (the list the commit scan uses too)
  ...[...tokenShapes, ...textOnlyShapes].map((shape) => ({ pattern: shape.pattern, replace: REDACTED })),
  // A Slack-compatible webhook URL is itself the credential (baton.notifications.webhookUrl)
  { pattern: /(https:\/\/hooks\.slack\.com\/services\/)[^\s"'<>]+/g, replace: `$1${REDACTED}` },
];

export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

export function redactText(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= MIN_KNOWN_SECRET_LENGTH) result = result.split(secret).join(REDACTED);
  }
  for (const rule of textRules) result = result.replace(rule.pattern, rule.replace);
  return result;
}

/**
 * A copy of a JSON-like value with secrets replaced by "[REDACTED]": every string under a secret-named key, and
 * secret-looking text anywhere. Only plain objects and arrays are walked; the input is never modified.
 */
export function redactSecrets<T>(value: T, knownSecrets: readonly string[] = []): T {
  return redactValue(value, knownSecrets, false) as T;
}

function redactValue(value: unknown, knownSecrets: readonly string[], underSecretKey: boolean): unknown {
  if (typeof value === 'string') return underSecretKey && value.length > 0 ? REDACTED : redactText(value, knownSecrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, knownSecrets, underSecretKey));
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = redactValue(item, knownSecrets, underSecretKey || isSecretKey(key));
    }
    return copy;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
