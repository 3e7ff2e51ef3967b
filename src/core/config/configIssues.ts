import { z } from 'zod';
import { didYouMean } from './suggest';

// Turns zod's issues into sentences about YAML: what was expected, what was written, and how to write it instead.
// Schema-specific wording (ranges, ids, cross-references) lives in the schema's own messages; what is phrased here is
// generic, so a new field gets good messages for free.

export interface DescribedIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** One issue per problem: an object with two unknown keys yields two, each pointing at its key. */
export function describeConfigIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): DescribedIssue[] {
  return issues.flatMap((issue): DescribedIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(objectShapeAt(schema, issue.path) ?? {});
      return issue.keys.map((key) => ({
        path: [...issue.path, key],
        message: `unknown field "${key}"${didYouMean(key, known)}. Known fields here: ${known.join(', ')}`,
      }));
    }
    if (issue.code === 'invalid_type') return [{ path: issue.path, message: invalidType(schema, issue) }];
    if (issue.code === 'invalid_value') {
      const values = issue.values.map(String);
      const got = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
      return [{ path: issue.path, message: `${describeValue(issue.input)} is not allowed here${got}: use one of ${values.join(', ')}` }];
    }
    return [{ path: issue.path, message: issue.message }];
  });
}

/** `agents[1].capabilities`, as a user would point at it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? String(segment) : `${text}.${String(segment)}`;
  }, '');
}

const examples: Readonly<Record<string, string>> = {
  id: 'coder',
  role: 'Implements features and fixes bugs',
  capabilities: '[implement, fix]',
  command: 'npm test',
};

function invalidType(schema: z.ZodType, issue: z.core.$ZodIssueInvalidType): string {
  const input = issue.input;
  const key = lastKey(issue.path);
  if (issue.path.length === 0) {
    return input === null || input === undefined
      ? 'the file is empty. Declare the team under agents:, or delete the file to use the built-in team'
      : `expected the file to be a mapping with fields such as agents:, got ${describeValue(input)}`;
  }
  if (input === undefined) return `required field missing. Add it, e.g. ${key}: ${examples[key] ?? '...'}`;
  switch (issue.expected) {
    case 'array': {
      const element = elementKind(schemaAt(schema, issue.path));
      const got = `expected a list${element}, got ${describeValue(input)}`;
      if (typeof input === 'string' || typeof input === 'number') {
        return `${got}. Write it as a YAML list, e.g. ${key}: [${String(input)}]`;
      }
      return isRecordLike(input) ? `${got}. Start each item with "- "` : got;
    }
    case 'object':
      return `expected a mapping of fields (key: value), got ${describeValue(input)}`;
    case 'string':
      return typeof input === 'number' || typeof input === 'boolean'
        ? `expected text, got ${String(input)}. Put it in quotes, e.g. ${key}: "${String(input)}"`
        : `expected text, got ${describeValue(input)}`;
    case 'number':
    case 'int': {
      const what = issue.expected === 'int' ? 'a whole number' : 'a number';
      return typeof input === 'string' && input.trim() !== '' && Number.isFinite(Number(input))
        ? `expected ${what}, got the text "${input}". Write it without quotes, e.g. ${key}: ${input.trim()}`
        : `expected ${what}, got ${describeValue(input)}`;
    }
    case 'boolean':
      // YAML 1.2 (the yaml package's default) reads yes/no/on/off as text, unlike YAML 1.1.
      return typeof input === 'string' && /^(yes|no|on|off|y|n|true|false)$/i.test(input)
        ? `expected true or false, got the text "${input}". Write ${key}: ${/^(yes|on|y|true)$/i.test(input) ? 'true' : 'false'}`
        : `expected true or false, got ${describeValue(input)}`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function lastKey(path: readonly PropertyKey[]): string {
  const key = [...path].reverse().find((segment) => typeof segment === 'string');
  return typeof key === 'string' ? key : 'value';
}

function isRecordLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function elementKind(schema: z.ZodType | undefined): string {
  if (!(schema instanceof z.ZodArray)) return '';
  const element = unwrap(schema.element);
  if (element instanceof z.ZodString) return ' of strings';
  if (element instanceof z.ZodEnum) return ` of names (${element.options.map(String).join(', ')})`;
  if (element instanceof z.ZodObject) return ' of mappings';
  return '';
}

function objectShapeAt(schema: z.ZodType, path: readonly PropertyKey[]): Record<string, unknown> | undefined {
  const node = schemaAt(schema, path);
  return node instanceof z.ZodObject ? node.shape : undefined;
}

/** The schema that validates the value at `path`, seen through optional/default wrappers. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (node instanceof z.ZodArray && typeof segment === 'number') node = unwrap(node.element);
    else if (node instanceof z.ZodObject && typeof segment === 'string') {
      const child: unknown = node.shape[segment];
      node = child instanceof z.ZodType ? unwrap(child) : undefined;
    } else return undefined;
  }
  return node;
}

function unwrap(schema: unknown): z.ZodType | undefined {
  let node = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodNullable) {
    node = node.unwrap();
  }
  return node instanceof z.ZodType ? node : undefined;
}
