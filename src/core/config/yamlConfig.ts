import { LineCounter, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './configError';
import type { ConfigIssue } from './configError';
import { describeConfigIssues, formatPath } from './configIssues';
import { positionOf } from './yamlPosition';

export interface YamlConfigOptions {
  /** Ends the error's message: what to do about it. */
  hint?: string;
  /** What an empty file (or one with only comments) stands for; unset, the schema judges it. */
  empty?: unknown;
}

/**
 * Parses a YAML configuration file and validates it with `schema`, reporting every problem at once with
 * its line and column (a ConfigError). `file` is only used in messages.
 */
export function parseYamlConfig<S extends z.ZodType>(text: string, file: string, schema: S, { hint, empty }: YamlConfigOptions = {}): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  // A syntax error leaves the document partial: schema complaints about it would only add noise.
  if (doc.errors.length > 0) throw new ConfigError(file, doc.errors.map(syntaxIssue), hint);

  let data: unknown;
  try {
    // maxAliasCount bounds "billion laughs" alias expansion.
    data = doc.toJS({ maxAliasCount: 100 }) ?? empty;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(file, [{ path: '', line: 1, column: 1, message: `cannot read the YAML: ${message}` }], hint);
  }

  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const issues = describeConfigIssues(schema, result.error.issues).map((issue): ConfigIssue => {
    const { line, column } = positionOf(doc, lineCounter, issue.path);
    return { path: formatPath(issue.path) || '(top level)', line, column, message: issue.message };
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigError(file, issues, hint);
}

const syntaxHints: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'each field may appear once: remove or rename the repeated one',
  BAD_INDENT: 'check the indentation: the fields of one mapping start at the same column, list items start with "- "',
  MISSING_CHAR: 'check for a missing "- ", closing quote or bracket',
  BLOCK_AS_IMPLICIT_KEY: 'put a value that contains ": " in quotes',
};

function syntaxIssue(error: YAMLError): ConfigIssue {
  const position = error.linePos?.[0] ?? { line: 1, col: 1 };
  // yaml appends " at line L, column C:" and a code excerpt; the position is already in the prefix.
  const [sentence = error.message] = error.message.split(/ at line \d+, column \d+/);
  const hint = syntaxHints[error.code] ?? 'fix the YAML syntax here';
  return { path: '', line: position.line, column: position.col, message: `YAML syntax error: ${sentence}. Hint: ${hint}` };
}
