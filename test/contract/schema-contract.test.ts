import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { printAppSchema } from '../../src/schema';

const root = path.join(__dirname, '..', '..');
const contractDir = path.join(root, '..', 'shared', 'contract');
const committed = fs.readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8');

describe('schema/schema.graphql', () => {
  it('is exactly what the code builds (run `npm run schema:emit` after changing the API)', () => {
    expect(printAppSchema()).toBe(committed);
  });

  it('breaks nothing in the contract (core.graphql): graphql-js findBreakingChanges is empty', () => {
    const contract = buildSchema(fs.readFileSync(path.join(contractDir, 'core.graphql'), 'utf8'));
    const emitted = buildSchema(committed);
    expect(findBreakingChanges(contract, emitted)).toEqual([]);
    expect(findDangerousChanges(contract, emitted)).toEqual([]);
  });

  it('breaks nothing in core.graphql + analytics.graphql together: findBreakingChanges and findDangerousChanges are empty', () => {
    const read = (f: string) => fs.readFileSync(path.join(contractDir, f), 'utf8');
    const contract = buildSchema(`${read('core.graphql')}\n${read('analytics.graphql')}`);
    const emitted = buildSchema(committed);
    expect(findBreakingChanges(contract, emitted)).toEqual([]);
    expect(findDangerousChanges(contract, emitted)).toEqual([]);
  });
});
