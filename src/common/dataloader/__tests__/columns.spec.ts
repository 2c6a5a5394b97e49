import {
  buildSchema,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLResolveInfo,
  Kind,
  OperationDefinitionNode,
  parse,
} from 'graphql';
import { columnMap, columnsFor, fieldsByType, perSelection, selectList } from '../columns';

const schema = buildSchema(`
  type Query { deals: [Deal!]! account(id: ID!): Account }
  type Deal { id: ID! name: String! account: Account leads: [Lead!]! }
  type Account { id: ID! name: String! domain: String industry: String }
  type Lead { id: ID! email: String account: Account }
`);

function infoOf(source: string): GraphQLResolveInfo {
  const doc = parse(source);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  return { operation, fragments, schema } as unknown as GraphQLResolveInfo;
}

describe('selection-aware columns', () => {
  it('reads a select list into key → expression', () => {
    const m = columnMap(`a.id::text AS id, a.external_id AS "externalId", a.name, a.created_at AS "createdAt"`);
    expect([...m.keys()]).toEqual(['id', 'externalId', 'name', 'createdAt']);
    expect(selectList(m, new Set(['name', 'id']))).toBe('a.id::text AS id, a.name');
    expect(selectList(m)).toBe(`a.id::text AS id, a.external_id AS "externalId", a.name, a.created_at AS "createdAt"`);
  });

  it('collects the fields of a type over every path, inline fragment and named fragment of the operation', () => {
    const info =
      infoOf(`query { deals { account { name } leads { email account { ...A } } } account(id: 1) { ... on Account { industry } } }
      fragment A on Account { domain }`);
    expect([...fieldsByType(info).get('Account')!].sort()).toEqual(['domain', 'industry', 'name']);
    expect([...fieldsByType(info).get('Lead')!].sort()).toEqual(['account', 'email']);
    const m = columnMap('a.id::text AS id, a.name, a.domain, a.industry');
    expect([...columnsFor(info, 'Account', m, ['id'])].sort()).toEqual(['domain', 'id', 'industry', 'name']);
    expect([...columnsFor(info, 'Nothing', m, ['id'])]).toEqual(['id']);
  });

  it('is computed once per parsed operation', () => {
    const info = infoOf(`{ deals { name } }`);
    expect(fieldsByType(info)).toBe(fieldsByType(info));
  });

  it('keeps a value per operation, merged field nodes and key (perSelection)', () => {
    const info = infoOf(`{ deals { name } }`);
    const field = info.operation.selectionSet.selections[0] as FieldNode;
    const at = (nodes: FieldNode[], op = info) => ({ ...op, fieldNodes: nodes }) as GraphQLResolveInfo;
    let built = 0;
    const build = () => ({ n: ++built });
    const first = perSelection(at([field]), 'k', build);
    // the same document executed again: the same nodes, the value is not rebuilt
    expect(perSelection(at([field]), 'k', build)).toBe(first);
    expect(built).toBe(1);
    // another key, another set of merged nodes at the path, another operation: each its own value
    expect(perSelection(at([field]), 'other', build)).not.toBe(first);
    expect(perSelection(at([field, field]), 'k', build)).not.toBe(first);
    const sibling = infoOf(`{ deals { name } }`);
    expect(perSelection(at([field], sibling), 'k', build)).not.toBe(first);
    expect(built).toBe(4);
  });
});
