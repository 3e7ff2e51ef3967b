import type { AgentConfig } from './teamSchema';

// Capabilities are free words: the team's (agents.yaml or the built-in team) and the planner's. Models word
// them their own way ("implementation", "unit tests", "Code Review"), so words are compared by keys that set
// case, punctuation, plurals and -ing/-ation/-er endings aside, with a small table of synonyms. A word no rule
// maps is its own key, so a team's custom words still match themselves.

/** Whole words or phrases that mean one of the usual capabilities. */
const synonyms: Readonly<Record<string, string>> = {
  implementation: 'implement', implementing: 'implement', implementer: 'implement', implemented: 'implement',
  development: 'implement', develop: 'implement', developer: 'implement', dev: 'implement', feature: 'implement',
  coding: 'code', programming: 'code', coder: 'code',
  testing: 'test', tester: 'test', tests: 'test', 'unit test': 'test', 'unit testing': 'test', 'integration test': 'test',
  'e2e test': 'test', qa: 'test', 'quality assurance': 'test',
  verification: 'verify', verifying: 'verify', validation: 'verify', validate: 'verify',
  documentation: 'docs', document: 'docs', documenting: 'docs', documenter: 'docs', doc: 'docs', 'write docs': 'docs',
  reviewing: 'review', reviewer: 'review', 'code review': 'review', 'peer review': 'review',
  sec: 'security', secure: 'security', 'security audit': 'security', 'security review': 'security', appsec: 'security',
  auditing: 'audit', auditor: 'audit',
  'bug fix': 'fix', bugfix: 'fix', bug: 'fix', debug: 'fix', debugging: 'fix', fixing: 'fix', fixes: 'fix',
  refactoring: 'refactor', refactorer: 'refactor',
  planning: 'plan', planner: 'plan', decomposition: 'decompose', architect: 'architecture', architectural: 'architecture',
  designing: 'design', designer: 'design',
  ts: 'typescript', js: 'javascript', py: 'python', golang: 'go',
};

/** Words that say nothing about the kind of work, dropped from a phrase before its key is taken. */
const filler = new Set(['a', 'an', 'the', 'and', 'of', 'for', 'to', 'write', 'writing', 'add', 'adding', 'new', 'some']);

/** The words of a capability: lowercase, punctuation as spaces. */
function wordsOf(text: string): string[] {
  return text.toLowerCase().replace(/[^\p{L}\p{N}+#]+/gu, ' ').trim().split(' ').filter(Boolean);
}

/** Forms a word may stand for, most literal first: "implementation" -> implement, "dependencies" -> dependency. */
function stems(word: string): string[] {
  const out = [word];
  const add = (stem: string) => void (stem.length >= 3 && !out.includes(stem) && out.push(stem));
  if (word.endsWith('ies')) add(`${word.slice(0, -3)}y`);
  else if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) add(word.slice(0, -1));
  for (const suffix of ['ing', 'ation', 'ment', 'er', 'or', 'ed']) {
    if (!word.endsWith(suffix)) continue;
    const stem = word.slice(0, -suffix.length);
    add(stem);
    add(`${stem}e`);
    // planning -> plan, debugging -> debug
    if (/(.)\1$/.test(stem)) add(stem.slice(0, -1));
  }
  return out;
}

interface Keys {
  /** What the whole word or phrase stands for. */
  whole: Set<string>;
  /** A phrase's last word, English's head noun: "api implementation" is implementation work. */
  head: Set<string>;
  phrase: boolean;
}

const canonical = new Set(Object.values(synonyms));

function wordKeys(word: string): Set<string> {
  const mapped = synonyms[word] ?? stems(word).map((s) => synonyms[s]).find(Boolean);
  return new Set(mapped ? [mapped] : stems(word));
}

function keysOf(capability: string): Keys {
  const all = wordsOf(capability);
  const words = all.length > 1 ? all.filter((w) => !filler.has(w)) : all;
  if (!words.length) {
    const keys = new Set([capability.trim().toLowerCase()]);
    return { whole: keys, head: keys, phrase: false };
  }
  const known = synonyms[words.join(' ')] ?? synonyms[words.join('')];
  if (known || words.length === 1) {
    const keys = known ? new Set([known]) : wordKeys(words[0]!);
    return { whole: keys, head: keys, phrase: false };
  }
  // Run together too, so "front-end" and "frontend" match.
  return { whole: new Set([words.join(' '), ...wordKeys(words.join(''))]), head: wordKeys(words.at(-1)!), phrase: true };
}

const meets = (a: Set<string>, b: Set<string>) => [...a].some((k) => b.has(k));

/**
 * Whether a word the planner used and a word an agent lists name the same capability. A phrase's head word
 * matches a single word ("unit tests" ~ test), but two phrases match only as wholes ("back-end" is no
 * "front-end").
 */
export function sameCapability(a: string, b: string): boolean {
  const x = keysOf(a);
  const y = keysOf(b);
  return meets(x.whole, y.whole) || (!x.phrase && meets(x.whole, y.head)) || (!y.phrase && meets(x.head, y.whole));
}

/** The one key a word is known by (the learning memory's kind of task): "testing", "unit tests" -> test. */
export function capabilityKey(capability: string): string {
  const { whole, head } = keysOf(capability);
  return [...whole, ...head].find((k) => canonical.has(k)) ?? [...whole][0]!;
}

/** How many of the needed capabilities the agent has. */
export function capabilityOverlap(needs: readonly string[], agent: Pick<AgentConfig, 'capabilities'>): number {
  return needs.filter((need) => agent.capabilities.some((c) => sameCapability(need, c))).length;
}

/** The team's capability words, each once, in team order: what the planner is offered. */
export function teamCapabilities(team: readonly Pick<AgentConfig, 'capabilities'>[]): string[] {
  return [...new Set(team.flatMap((a) => a.capabilities.map((c) => c.trim().toLowerCase())))];
}

/**
 * A plan's capability words in the team's own words where one matches ("implementation" -> implement, or ->
 * "implementation" for a team that says so), each once. A word no agent has is kept as it was said.
 */
export function inTeamWords(needs: readonly string[], team: readonly Pick<AgentConfig, 'capabilities'>[]): string[] {
  const words = teamCapabilities(team);
  const mapped = needs.map((need) => words.find((w) => w === need.trim().toLowerCase()) ?? words.find((w) => sameCapability(need, w)) ?? need.trim());
  return [...new Set(mapped)];
}
