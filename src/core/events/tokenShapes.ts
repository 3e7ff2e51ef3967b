// The shapes of well-known credentials, in one list for the two places that look for them: redaction (events, the
// audit log, logs: redact.ts) and the scan of each agent commit (git/secretScan.ts, docs/decisions/0025). What the
// log hides is what a commit may not hold.
//
// Every pattern starts matching only where its token starts (\b or a fixed prefix) and bounds its repetitions:
// model output and generated files can be megabytes of text on which a naive pattern backtracks for seconds.

export interface TokenShape {
  /** What it is, as a person is told: never the value. */
  readonly name: string;
  /** Global, for replace and exec loops. */
  readonly pattern: RegExp;
  /**
   * For the commit scan, where a false alarm costs a person's decision: whether a match is a real credential rather
   * than a word of the same shape (a CSS class `sk-spinner-...`, AWS's documented AKIA...EXAMPLE).
   */
  readonly plausible?: (token: string) => boolean;
}

/** Upper and lower case letters and a digit: what a random token has and a word or a class name does not. */
function mixed(token: string): boolean {
  return /[A-Z]/.test(token) && /[a-z]/.test(token) && /\d/.test(token);
}

/** Redacted in text and refused in commits. */
export const tokenShapes: readonly TokenShape[] = [
  { name: 'an OpenAI or Anthropic API key', pattern: /\bsk-(?:[a-z]+-)?[A-Za-z0-9_-]{16,}/g, plausible: (t) => mixed(t.slice(3)) },
  { name: 'a GitHub token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}|\bgithub_pat_[A-Za-z0-9_]{30,}/g },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, plausible: (t) => /\d{6,}/.test(t) },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, plausible: (t) => !t.endsWith('EXAMPLE') },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g },
  { name: 'a Stripe live key', pattern: /\b[rs]k_live_[0-9A-Za-z]{16,}/g },
  { name: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { name: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
];

/**
 * Redacted in text only. A JWT is mostly short-lived, and test fixtures and documentation hold sample ones (jwt.io's):
 * refusing them in commits would ask a person about fixtures far more often than it would stop a live credential.
 */
export const textOnlyShapes: readonly TokenShape[] = [
  { name: 'a JWT', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
];

/** Refused in commits only: shapes that span lines or need their name beside them, which redaction handles otherwise. */
export const fileOnlyShapes: readonly TokenShape[] = [
  { name: 'a private key', pattern: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g },
  // 40 characters of base64 alone are any hash; next to their name they are AWS's secret key (redact.ts blanks
  // every value whose name ends in "key").
  { name: 'an AWS secret access key', pattern: /\baws_?secret_?access_?key["']?\s{0,5}[:=]\s{0,5}["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
];
