import { Cell } from './csv';

/** The most rows one list export response carries; the next page follows its cursor. */
export const MAX_LIST_ROWS = 10_000;
/** Rows per page when `limit` is left out. */
export const DEFAULT_LIST_ROWS = 1_000;

/** A record list exported flat: its GraphQL connection field, filter type, node selection and row shape. */
export interface ListExportSpec {
  field: 'deals' | 'leads';
  filterType: string;
  /** The node selection; nested records come through the per-request DataLoaders (no N+1). */
  nodes: string;
  columns: string[];
  row(node: Record<string, unknown>): Record<string, Cell>;
}

type Node = Record<string, unknown>;
const id = (x: unknown) => ((x as { id?: string } | null)?.id ?? null) as Cell;

/**
 * GET /export/deals|leads.csv|json: the records as the list queries give them (filters as query parameters), in
 * pages of up to MAX_LIST_ROWS rows followed by cursor. Personal fields come as GraphQL gives them to the caller:
 * null for ANALYST (and so for an export token).
 */
export const LIST_EXPORTS: Record<string, ListExportSpec> = {
  deals: {
    field: 'deals',
    filterType: 'DealFilter',
    nodes: `id externalId name amount status stage { key } account { id externalId name } owner { id email }
      createdAt closedAt expectedCloseDate lostReason updatedAt`,
    columns: [
      'id',
      'externalId',
      'name',
      'amount',
      'stage',
      'status',
      'accountId',
      'accountExternalId',
      'accountName',
      'ownerId',
      'ownerEmail',
      'createdAt',
      'closedAt',
      'expectedCloseDate',
      'lostReason',
      'updatedAt',
    ],
    row: (d: Node) => {
      const account = d.account as Node | null;
      const owner = d.owner as Node | null;
      return {
        id: d.id as Cell,
        externalId: d.externalId as Cell,
        name: d.name as Cell,
        amount: d.amount as Cell,
        stage: (d.stage as Node).key as Cell,
        status: d.status as Cell,
        accountId: id(account),
        accountExternalId: (account?.externalId ?? null) as Cell,
        accountName: (account?.name ?? null) as Cell,
        ownerId: id(owner),
        ownerEmail: (owner?.email ?? null) as Cell,
        createdAt: d.createdAt as Cell,
        closedAt: d.closedAt as Cell,
        expectedCloseDate: d.expectedCloseDate as Cell,
        lostReason: d.lostReason as Cell,
        updatedAt: d.updatedAt as Cell,
      };
    },
  },
  leads: {
    field: 'leads',
    filterType: 'LeadFilter',
    nodes: `id externalId email firstName lastName title source score stage status rejectionReason account { id externalId }
      owner { id email } createdAt mqlAt salAt sqlAt opportunityAt customerAt updatedAt`,
    columns: [
      'id',
      'externalId',
      'email',
      'firstName',
      'lastName',
      'title',
      'source',
      'score',
      'stage',
      'status',
      'rejectionReason',
      'accountId',
      'accountExternalId',
      'ownerId',
      'ownerEmail',
      'createdAt',
      'mqlAt',
      'salAt',
      'sqlAt',
      'opportunityAt',
      'customerAt',
      'updatedAt',
    ],
    row: (l: Node) => {
      const account = l.account as Node | null;
      const owner = l.owner as Node | null;
      const flat = (k: string) => (l[k] ?? null) as Cell;
      return {
        ...Object.fromEntries(
          ['id', 'externalId', 'email', 'firstName', 'lastName', 'title', 'source', 'score', 'stage', 'status'].map(
            (k) => [k, flat(k)],
          ),
        ),
        rejectionReason: flat('rejectionReason'),
        accountId: id(account),
        accountExternalId: (account?.externalId ?? null) as Cell,
        ownerId: id(owner),
        ownerEmail: (owner?.email ?? null) as Cell,
        ...Object.fromEntries(
          ['createdAt', 'mqlAt', 'salAt', 'sqlAt', 'opportunityAt', 'customerAt', 'updatedAt'].map((k) => [k, flat(k)]),
        ),
      };
    },
  },
};

/** The connection query of a list export: one page of up to 100 nodes after a cursor. */
export const listQuery = (spec: ListExportSpec) =>
  `query ListExport($first: Int!, $after: String, $filter: ${spec.filterType}) {
    ${spec.field}(first: $first, after: $after, filter: $filter) { pageInfo { endCursor hasNextPage } nodes { ${spec.nodes} } } }`;
