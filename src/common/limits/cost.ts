import {
  DocumentNode, FragmentDefinitionNode, getNamedType, GraphQLObjectType, GraphQLSchema, isLeafType, isObjectType, Kind,
  OperationDefinitionNode, SelectionSetNode, valueFromAST, GraphQLField,
} from 'graphql';

/** Aggregating analytics fields scan the funnel: priced like a page of 50 objects. */
const FIELD_COST: Record<string, number> = { funnel: 50, pipelineFunnel: 50, kpis: 50, kpiSeries: 50, attribution: 50, kpiTargets: 10 };
const MUTATION_COST = 10;
const DEFAULT_FIRST = 20;

/**
 * Requested cost of an operation (Shopify-style, computed before execution with the request's variables, so
 * `first: $n` is priced like a literal): scalars 0, objects 1, connections 2 + first × the cost of one page's
 * selections, mutations 10, analytics fields 50.
 */
export function operationCost(schema: GraphQLSchema, doc: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}): number {
  const fragments = Object.fromEntries(doc.definitions
    .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return 0;

  const setCost = (type: GraphQLObjectType, set: SelectionSetNode | undefined, isRoot: boolean, seen: Set<string>): number => {
    if (!set) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field: GraphQLField<unknown, unknown> | undefined = type.getFields()[sel.name.value];
        if (!field) continue;
        const named = getNamedType(field.type);
        let cost = isLeafType(named) ? 0 : 1 + (isObjectType(named) ? setCost(named, sel.selectionSet, false, seen) : 0);
        const firstArg = field.args.find((a) => a.name === 'first');
        if (firstArg && named.name.endsWith('Connection')) {
          const node = sel.arguments?.find((a) => a.name.value === 'first');
          const given = node ? valueFromAST(node.value, firstArg.type, variables) : undefined;
          const first = typeof given === 'number' && Number.isFinite(given) ? Math.max(given, 1) : DEFAULT_FIRST;
          cost = 2 + first * (cost - 1);
        }
        if (isRoot && operation.operation === 'mutation') cost += MUTATION_COST;
        total += cost + (isRoot ? FIELD_COST[sel.name.value] ?? 0 : 0);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        total += setCost(isObjectType(t) ? t : type, sel.selectionSet, isRoot, seen);
      } else {
        const f = fragments[sel.name.value];
        if (!f || seen.has(f.name.value)) continue;
        const t = schema.getType(f.typeCondition.name.value);
        total += setCost(isObjectType(t) ? t : type, f.selectionSet, isRoot, new Set([...seen, f.name.value]));
      }
    }
    return total;
  };
  return Math.max(1, setCost(root, operation.selectionSet, true, new Set()));
}
