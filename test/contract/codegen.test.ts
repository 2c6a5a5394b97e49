import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildSchema, parse, validate } from 'graphql';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const OPERATIONS = path.join(ROOT, 'examples', 'operations');
const GENERATED = path.join(ROOT, 'examples', 'front-end', 'generated');

/** Type errors of files compiled together, as the front end's compiler would report them. */
function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? path.relative(ROOT, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

describe('the committed schema serves @graphql-codegen/client-preset', () => {
  beforeAll(() => {
    fs.rmSync(GENERATED, { recursive: true, force: true });
    // the front end's own command, with examples/front-end/codegen.ts
    execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'graphql-codegen'),
      ['--config', 'examples/front-end/codegen.ts', '--silent'],
      { cwd: ROOT, stdio: 'pipe' },
    );
  }, 120_000);

  it('every example operation is valid against schema/schema.graphql', () => {
    const schema = buildSchema(fs.readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8'));
    const files = fs.readdirSync(OPERATIONS).filter((f) => f.endsWith('.graphql'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files)
      expect([
        f,
        validate(schema, parse(fs.readFileSync(path.join(OPERATIONS, f), 'utf8'))).map((e) => e.message),
      ]).toEqual([f, []]);
  });

  it('generates typed documents for them that a strict TypeScript front end compiles against', () => {
    const generated = fs.readFileSync(path.join(GENERATED, 'graphql.ts'), 'utf8');
    for (const name of [
      'DealsPageDocument',
      'FunnelDocument',
      'KpisDocument',
      'MoveDealStageDocument',
      'DealChangedDocument',
    ])
      expect(generated).toContain(`export const ${name}`);
    expect(typeErrors([path.join(ROOT, 'examples', 'front-end', 'typed-client.ts')])).toEqual([]);
  }, 60_000);

  it('and the types are real: a wrong field or variable does not compile', () => {
    const bad = path.join(ROOT, 'examples', 'front-end', 'generated', 'wrong-usage.ts');
    fs.writeFileSync(
      bad,
      `import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { DealsPageDocument, MoveDealStageDocument } from './graphql';
export const v: VariablesOf<typeof MoveDealStageDocument> = { id: '1', stage: 'WON', expectedVersion: 'three' };
export const f = (r: ResultOf<typeof DealsPageDocument>) => r.deals.nodes[0].probability;
`,
    );
    const errors = typeErrors([bad]).join('\n');
    expect(errors).toMatch(/Type 'string' is not assignable to type 'number'/); // expectedVersion: 'three'
    expect(errors).toMatch(/probability/);
  }, 60_000);
});
