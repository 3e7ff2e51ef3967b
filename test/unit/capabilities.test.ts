import assert from 'node:assert/strict';
import { capabilityKey, capabilityOverlap, inTeamWords, sameCapability, teamCapabilities } from '../../src/core/config/capabilities';
import { builtinAgents } from '../../src/core/config/defaultTeam';
import type { AgentConfig } from '../../src/core/config/teamSchema';
import { assignmentProblems, bestByCapabilities } from '../../src/core/graph/planChecks';
import { planSchemaFor } from '../../src/core/graph/schemas';
import { taskKindOf } from '../../src/core/learningMemory';
import { z } from 'zod';

// The capability vocabulary: how a planner's words meet the team's.

const team = builtinAgents();
const task = (capabilities: string[]) => ({ id: 't1', title: 'T', description: 'd', capabilities, dependsOn: [], files: [], risks: [] });
const agent = (id: string, capabilities: string[]): AgentConfig => ({ ...team[1]!, id, capabilities });
const whoCan = (word: string) => team.filter((a) => capabilityOverlap([word], a) > 0).map((a) => a.id);

describe('capability vocabulary', () => {
  it('maps the ways models word the usual capabilities to the built-in team\'s', () => {
    const cases: [string, string][] = [
      ['implementation', 'coder'], ['Implementing', 'coder'], ['implementer', 'coder'], ['API implementation', 'coder'], ['bug fix', 'coder'],
      ['testing', 'tester'], ['tests', 'tester'], ['unit tests', 'tester'], ['Unit-Tests', 'tester'], ['write tests', 'tester'],
      ['documentation', 'documenter'], ['docs', 'documenter'], ['document', 'documenter'],
      ['code review', 'reviewer'], ['reviewing', 'reviewer'], ['Code_Review', 'reviewer'],
      ['sec', 'security'], ['security audit', 'security'], ['vulnerability', 'security'],
      ['planning', 'planner'], ['TypeScript', 'coder'],
    ];
    for (const [word, id] of cases) assert.deepEqual(whoCan(word), [id], word);
  });

  it('keys a word by its meaning, for the learning memory', () => {
    assert.deepEqual(['testing', 'tests', 'unit tests', 'qa'].map(capabilityKey), ['test', 'test', 'test', 'test']);
    assert.deepEqual(['implementation', 'implement', 'Implementing'].map(capabilityKey), ['implement', 'implement', 'implement']);
    assert.equal(taskKindOf(task(['Documentation', 'test'])), 'docs');
    assert.equal(capabilityKey('deployment'), 'deployment', 'a word no rule maps is its own key');
  });

  it('matches a team\'s own words, run together or not, and keeps different phrases apart', () => {
    assert.ok(sameCapability('front-end', 'frontend'));
    assert.ok(sameCapability('Front End', 'frontend'));
    assert.ok(sameCapability('database migrations', 'migration'));
    assert.ok(!sameCapability('back-end', 'front-end'), 'two phrases match as wholes, not by their last word');
    assert.ok(!sameCapability('css', 'cs'), 'no plural stripped from -ss');
    assert.ok(!sameCapability('code review', 'code'), 'a known phrase means what the table says');
  });

  it('words a plan in the team\'s own words, keeping the words it cannot map', () => {
    assert.deepEqual(inTeamWords(['implementation', 'unit tests', 'deployment', 'testing'], team), ['implement', 'test', 'deployment']);
    const custom = [agent('web', ['frontend', 'implementation']), agent('qa', ['qa'])];
    assert.deepEqual(inTeamWords(['Front-End', 'implement', 'testing'], custom), ['frontend', 'implementation', 'qa']);
    assert.deepEqual(teamCapabilities(custom), ['frontend', 'implementation', 'qa']);
  });

  it('an assignment is a problem only when another agent has a capability the chosen one lacks', () => {
    assert.deepEqual(assignmentProblems(task(['implementation']), 'coder', team), []);
    assert.match(assignmentProblems(task(['testing']), 'documenter', team)[0]!, /"documenter" has none of the capabilities task "t1" needs \(testing\).*tester has some/);
    assert.deepEqual(assignmentProblems(task(['deployment']), 'coder', team), [], 'nobody has it: the model\'s reading of the roles stands');
    assert.match(assignmentProblems(task(['implement']), 'wizard', team)[0]!, /not in the team/);
  });

  it('the best match by capability: overlap, then load, then team order', () => {
    const two = [agent('a', ['implement', 'test']), agent('b', ['implement']), agent('c', ['implement'])];
    assert.equal(bestByCapabilities(task(['implementation', 'testing']), two)?.id, 'a');
    assert.equal(bestByCapabilities(task(['implementation']), two)?.id, 'a');
    assert.equal(bestByCapabilities(task(['implementation']), two, new Map([['a', 2], ['b', 1]]))?.id, 'c');
    assert.equal(bestByCapabilities(task(['deployment']), two), undefined);
  });

  it('offers the team\'s words as an enum in the plan schema, and still takes any word', () => {
    const schema = planSchemaFor(['implement', 'test']);
    const json = JSON.stringify(z.toJSONSchema(schema, { io: 'input' }));
    assert.match(json, /"capabilities":\{"minItems":1,"type":"array","items":\{"type":"string","minLength":1,"enum":\["implement","test"\]\}/);
    assert.ok(schema.safeParse({ rationale: 'r', tasks: [task(['implementation'])] }).success);
    assert.equal(planSchemaFor(['implement', 'test']), schema, 'made once per vocabulary');
  });
});
