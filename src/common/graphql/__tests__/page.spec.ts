import { FieldNode, GraphQLResolveInfo, OperationDefinitionNode, parse } from 'graphql';
import { PageWindow, SortSpec, Where, windowSql } from '../keyset';
import { page } from '../page';

const SORT: SortSpec = { expr: 'd.created_at', cast: 'timestamptz', direction: 'ASC', idExpr: 'd.id' };

/** The resolve info of the document's first root field, as far as page() reads it (its field node and fragments). */
function infoOf(document: string): GraphQLResolveInfo {
  const doc = parse(document);
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    doc.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])),
  );
  return { fieldNodes: [op.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

/** The window page() asks the repository for, and the page it returns from 3 stored rows. */
async function windowOf(document: string, args: Record<string, unknown>) {
  let asked: PageWindow | null = null;
  const stored = ['1', '2', '3'].map((id) => ({ id, sortKey: `2025-01-0${id} 00:00:00+00` }));
  const conn = await page(
    args,
    infoOf(document),
    SORT,
    async (win) => {
      asked = win;
      return stored.slice(0, win.limit + (win.probe ? 1 : 0));
    },
    async () => 3,
  );
  return { win: asked! as PageWindow, conn };
}

describe('page windows: one row past the page only when the query asks whether more follow', () => {
  it('nodes alone, or pageInfo without hasNextPage: exactly `first` rows (LIMIT first)', async () => {
    for (const q of ['{ deals { nodes { id } } }', '{ deals { nodes { id } pageInfo { endCursor } } }']) {
      const { win, conn } = await windowOf(q, { first: 2 });
      expect(win.probe).toBe(false);
      expect(conn.nodes.map((n) => n.id)).toEqual(['1', '2']);
      const w = new Where();
      expect(windowSql(w, SORT, win)).toMatch(/LIMIT 2$/);
    }
  });

  it('hasNextPage asked (directly or through a fragment): first + 1 rows, and it is told right', async () => {
    for (const q of [
      '{ deals { pageInfo { hasNextPage } nodes { id } } }',
      '{ deals { ...P } } fragment P on DealConnection { pageInfo { ... on PageInfo { hasNextPage } } }',
    ]) {
      const { win, conn } = await windowOf(q, { first: 2 });
      expect(win.probe).toBe(true);
      expect(windowSql(new Where(), SORT, win)).toMatch(/LIMIT 3$/);
      expect(conn.pageInfo.hasNextPage).toBe(true);
    }
    expect((await windowOf('{ deals { pageInfo { hasNextPage } } }', { first: 3 })).conn.pageInfo.hasNextPage).toBe(
      false,
    );
  });

  it('backward: the extra row tells hasPreviousPage, and only when it is asked for', async () => {
    const before = (await windowOf('{ deals { nodes { id } } }', { first: 2 })).conn.pageInfo.endCursor;
    const back = { last: 1, before };
    expect((await windowOf('{ deals { pageInfo { hasNextPage } } }', back)).win.probe).toBe(false);
    const asked = await windowOf('{ deals { pageInfo { hasPreviousPage } } }', back);
    expect(asked.win.probe).toBe(true);
    expect(asked.conn.pageInfo.hasPreviousPage).toBe(true);
  });
});
