import assert from 'node:assert/strict';
import { jsonCandidates, noJsonProblem } from '../../src/core/models/jsonReply';

// Reading JSON out of what models send when asked for JSON.

const plan = { rationale: 'r', tasks: [{ id: 't1', note: 'a "quoted" } brace and a \\ backslash' }] };
const text = JSON.stringify(plan, null, 2);

describe('JSON in a model reply', () => {
  it('reads bare JSON, a fence, a fence in the middle, prose before and a sentence after', () => {
    for (const reply of [
      text,
      `\`\`\`json\n${text}\n\`\`\``,
      `Here is the plan:\n\`\`\`json\n${text}\n\`\`\`\nLet me know if you need changes.`,
      `Sure! ${text}`,
      `${text}\nI split it this way because {reasons}.`,
      `Plan (v1): ${JSON.stringify(plan)} -- done.`,
    ]) assert.deepEqual(jsonCandidates(reply)[0], plan, reply);
  });

  it('does not stop at a brace inside a string, nor at a stray brace in the prose', () => {
    const found = jsonCandidates(`Use {curly} braces. {"a": "}{", "b": {"c": [1, {"d": 2}]}} and that is all }`);
    assert.deepEqual(found, [{ a: '}{', b: { c: [1, { d: 2 }] } }]);
  });

  it('offers each object in the reply, and the inside of a wrapper', () => {
    const found = jsonCandidates('Example: {"x": 1}. Answer: {"plan": {"rationale": "r", "tasks": []}}');
    assert.deepEqual(found, [{ x: 1 }, { plan: { rationale: 'r', tasks: [] } }, { rationale: 'r', tasks: [] }]);
    assert.deepEqual(jsonCandidates('{"name": "plan", "arguments": "{\\"rationale\\": \\"r\\"}"}').at(-1), { rationale: 'r' });
  });

  it('finds nothing in prose, a cut reply or an empty one, and says why', () => {
    assert.deepEqual(jsonCandidates('I would split the job into three tasks: first the parser, then its tests.'), []);
    assert.deepEqual(jsonCandidates('{"rationale": "one", "tasks": ['), []);
    assert.match(noJsonProblem('I would split the job'), /^not valid JSON \(.*\); the reply began: "I would split the job". Send only the JSON object$/);
    assert.equal(noJsonProblem('  \n'), 'the reply was empty: send the JSON object');
  });

  it('gives up on a reply full of unclosed braces rather than scanning from each', () => {
    const found = jsonCandidates(`${'{'.repeat(100_000)} {"a": 1}`);
    assert.deepEqual(found, [], 'the scan gives up after its start budget rather than trying every brace');
  });
});
