import assert from 'node:assert/strict';
import { isSecretKey, REDACTED, redactSecrets, redactText } from '../../src/core/events/redact';

describe('redacting secrets', () => {
  it('blanks API keys wherever they appear in text', () => {
    const text = 'export OPENAI_API_KEY=sk-proj-AbCdEf0123456789xyzXYZ and also sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123';
    const redacted = redactText(text);
    assert.doesNotMatch(redacted, /AbCdEf0123456789|abcdefghijklmnopqrstuvwxyz/);
    assert.match(redacted, /OPENAI_API_KEY=\[REDACTED\]/);
  });

  it('blanks bearer tokens but keeps the scheme, so a reader sees what was sent', () => {
    assert.equal(redactText('Authorization: Bearer eyabc.def-123456789'), 'Authorization: Bearer [REDACTED]');
    assert.equal(redactText('curl -H "authorization: Bearer tok_1234567890"'), 'curl -H "authorization: Bearer [REDACTED]"');
  });

  it('blanks the password of a connection URL and keeps the rest', () => {
    assert.equal(
      redactText('connecting to postgres://baton:s3cr3t-pass@db.local:5432/baton failed'),
      'connecting to postgres://baton:[REDACTED]@db.local:5432/baton failed',
    );
    assert.equal(redactText('postgres://db.local:5432/baton'), 'postgres://db.local:5432/baton');
  });

  it('blanks string fields whose name says they hold a secret, at any depth', () => {
    const input = {
      apiKey: 'abc',
      headers: { Authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'k-123' },
      env: [{ name: 'DB', password: 'hunter2', PGPASSWORD: 'x' }],
      config: { api_key: 'zzz', clientSecret: 'cs', githubToken: 'ght' },
    };
    assert.deepEqual(redactSecrets(input), {
      apiKey: REDACTED,
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED },
      env: [{ name: 'DB', password: REDACTED, PGPASSWORD: REDACTED }],
      config: { api_key: REDACTED, clientSecret: REDACTED, githubToken: REDACTED },
    });
  });

  it('leaves ordinary fields and text alone', () => {
    const cost = { model: 'gpt-4o-mini', promptTokens: 1200, completionTokens: 300, usd: 0.002, estimated: false };
    assert.deepEqual(redactSecrets(cost), cost);
    for (const key of ['promptTokens', 'maxTokens', 'author', 'taskId', 'secretary']) assert.equal(isSecretKey(key), false, key);
    const prose = 'Refactor the risk-assessment module; see https://example.com/docs and run npm test.';
    assert.equal(redactText(prose), prose);
  });

  it('blanks known secret values, such as the key in use, even with no telltale shape', () => {
    assert.equal(redactText('key is lm-studio-local-99 ok', ['lm-studio-local-99']), `key is ${REDACTED} ok`);
    // Too short to search for without destroying ordinary text.
    assert.equal(redactText('a b c', ['b']), 'a b c');
  });

  it('is idempotent and does not modify its input', () => {
    const input = { args: 'git push https://me:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x.git' };
    const once = redactSecrets(input);
    assert.deepEqual(redactSecrets(once), once);
    assert.match(input.args, /ghp_abcdef/);
    assert.doesNotMatch(once.args, /ghp_abcdef/);
  });

  it('blanks other well-known token shapes', () => {
    const samples = [
      'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'xoxb-1234567890-abcdefghij',
      'AKIAIOSFODNN7EXAMPLE',
      'AIzaSyA-1234567890abcdefghijklmnopqrstu',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
    ];
    for (const sample of samples) assert.doesNotMatch(redactText(`value ${sample} end`), /1234567890abc|EXAMPLE|dozjg|XXXXXXXX|abcdefghij/, sample);
  });

  it('stays fast on long text that makes naive patterns backtrack', () => {
    // Model output is unbounded; a quadratic pattern took 13 s on this 100 KB string.
    const started = performance.now();
    for (const text of ['a.'.repeat(50_000), 'a-'.repeat(50_000), 'http://'.repeat(15_000)]) redactText(text);
    assert.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
  });
});
