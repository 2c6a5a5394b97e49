import {
  DocumentNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isLeafType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  valueFromAST,
  GraphQLField,
  FieldNode,
} from 'graphql';

/** Aggregating analytics fields scan the funnel: priced like a page of 50 objects. */
const FIELD_COST = new Map<string, number>([
  ['funnel', 50],
  ['pipelineFunnel', 50],
  ['kpis', 50],
  ['kpiSeries', 50],
  ['attribution', 50],
  ['kpiTargets', 10],
]);
const MUTATION_COST = 10;
const DEFAULT_FIRST = 20;

/** The bulk write mutations and the argument holding their items, priced one point per item on top of the mutation. */
export const BULK_FIELDS: ReadonlyMap<string, string> = new Map([
  ...[
    'upsertUsers',
    'upsertAccounts',
    'upsertCampaigns',
    'recordCampaignSpend',
    'upsertLeads',
    'recordTouchpoints',
    'recordLeadStageChanges',
    'upsertDeals',
    'recordDealStageChanges',
    'retractDealStageChanges',
    'retractLeadStageChanges',
    'setKpiTargets',
  ].map((f) => [f, 'input'] as const),
  ...['archiveLeads', 'restoreLeads', 'archiveDeals', 'restoreDeals', 'archiveAccounts', 'restoreAccounts'].map(
    (f) => [f, 'externalIds'] as const,
  ),
]);

/** Items of one bulk root field (its item list, from a literal or the request's variables); 0 for other fields. */
export function bulkItems(schema: GraphQLSchema, field: FieldNode, variables: Record<string, unknown>): number {
  const arg = BULK_FIELDS.get(field.name.value);
  if (!arg) return 0;
  const def = schema
    .getMutationType()
    ?.getFields()
    [field.name.value]?.args.find((a) => a.name === arg);
  const node = field.arguments?.find((a) => a.name.value === arg);
  if (!def || !node) return 0;
  if (node.value.kind === Kind.LIST) return node.value.values.length;
  const value = valueFromAST(node.value, def.type, variables);
  return Array.isArray(value) ? value.length : 0;
}

/** The root fields of an operation, through fragments (a mutation's fields are what it writes). */
export function rootFields(doc: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = new Map(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const out: FieldNode[] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else if (!seen.has(sel.name.value) && fragments.has(sel.name.value)) {
        seen.add(sel.name.value);
        visit(fragments.get(sel.name.value)!.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return out;
}

/**
 * Requested cost of an operation (Shopify-style, computed before execution with the request's variables, so
 * `first: $n` is priced like a literal): scalars 0, objects 1, connections 2 + first × the cost of one page's
 * selections, mutations 10, bulk mutations 10 + one per item, analytics fields 50. Each fragment is priced once per
 * type it is spread on (memoised), so the time is linear in the document however its fragments nest.
 */
export function operationCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): number {
  const fragments = new Map(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;
  const memo = new Map<string, number>();
  const walking = new Set<string>();

  const fragmentCost = (name: string, type: GraphQLObjectType, isRoot: boolean): number => {
    const f = fragments.get(name);
    if (!f) return 0;
    const t = schema.getType(f.typeCondition.name.value);
    const on = isObjectType(t) ? t : type;
    const key = `${name}\u0000${on.name}\u0000${isRoot}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (walking.has(key)) return 0; // a cycle: graphql-js's NoFragmentCycles refuses the document
    walking.add(key);
    const cost = setCost(on, f.selectionSet, isRoot);
    walking.delete(key);
    memo.set(key, cost);
    return cost;
  };

  const setCost = (type: GraphQLObjectType, set: SelectionSetNode | undefined, isRoot: boolean): number => {
    if (!set) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field: GraphQLField<unknown, unknown> | undefined = type.getFields()[sel.name.value];
        if (!field || !Object.hasOwn(type.getFields(), sel.name.value)) continue;
        const named = getNamedType(field.type);
        let cost = isLeafType(named) ? 0 : 1 + (isObjectType(named) ? setCost(named, sel.selectionSet, false) : 0);
        const firstArg = field.args.find((a) => a.name === 'first');
        if (firstArg && named.name.endsWith('Connection')) {
          const node = sel.arguments?.find((a) => a.name.value === 'first');
          const given = node ? valueFromAST(node.value, firstArg.type, variables) : undefined;
          const first = typeof given === 'number' && Number.isFinite(given) ? Math.max(given, 1) : DEFAULT_FIRST;
          cost = 2 + first * (cost - 1);
        }
        if (isRoot && operation.operation === 'mutation') cost += MUTATION_COST + bulkItems(schema, sel, variables);
        total += cost + (isRoot ? (FIELD_COST.get(sel.name.value) ?? 0) : 0);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += setCost(isObjectType(t) ? t : type, sel.selectionSet, isRoot);
      } else {
        total += fragmentCost(sel.name.value, type, isRoot);
      }
      if (total > Number.MAX_SAFE_INTEGER / 2) return Number.MAX_SAFE_INTEGER / 2;
    }
    return total;
  };
  return Math.max(1, setCost(root, operation.selectionSet, true));
}
