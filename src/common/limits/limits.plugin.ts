import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Config } from '../../config/config';
import { Context } from '../../context';
import { MAX_BULK_ITEMS } from '../bulk/bulk-runner';
import { findUnstorableText } from '../validation/checks';
import { BULK_FIELDS, bulkItems, operationCost, rootFields } from './cost';
import { CostBuckets, LeakyBuckets } from './leaky-bucket';
import { currentScope } from '../request/request-scope';

export interface Admitted {
  requested: number;
  remaining: number;
  limit: number;
}

const badInput = (message: string, extensions: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 }, ...extensions } });

/**
 * The limits an operation passes after validation and before it runs, on every door (HTTP, exports, WebSocket), with
 * one cost bucket per principal shared by them all:
 * - bulk writes: at most MAX_BULK_ITEMS items in one request, all bulk root fields (and aliases) together;
 * - text variables must be storable as sent (no lone surrogate), except in a bulk write, where each item reports it;
 * - cost: over `maxCost` is refused (BAD_USER_INPUT); otherwise taken from the caller's bucket (role + sub), and an
 *   empty bucket answers RATE_LIMITED with HTTP 429 and Retry-After.
 */
export class OperationLimits {
  /**
   * Cost per operation node and variables: Apollo keeps one parsed and validated document per query string, so a
   * query sent again is the same node and its cost walk is not repeated (at most 16 variable sets per operation,
   * variables of up to 512 characters as JSON; a bulk write's items are never keys).
   */
  private readonly costs = new WeakMap<OperationDefinitionNode, Map<string, number>>();

  /** `buckets`: where the per-principal buckets live (default: this process). */
  constructor(
    private readonly limits: Config['limits'],
    private readonly buckets: CostBuckets = new LeakyBuckets(limits.bucketCapacity, limits.refillPerSecond),
  ) {}

  async admit(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
    viewer: Context['viewer'],
  ): Promise<Admitted> {
    const fields = operation.operation === 'mutation' ? rootFields(document, operation) : [];
    const items = fields.reduce((n, f) => n + bulkItems(schema, f, variables), 0);
    if (items > MAX_BULK_ITEMS) {
      throw badInput(`At most ${MAX_BULK_ITEMS} bulk items per request, all bulk fields together (got ${items})`, {
        field: 'input',
        limit: 'MAX_BULK_ITEMS',
      });
    }
    const isBulk = fields.length > 0 && fields.every((f) => BULK_FIELDS.has(f.name.value));
    const text = isBulk ? null : findUnstorableText(variables);
    if (text) throw badInput(`Variable ${text.field} ${text.why}`, { field: text.field });

    const requested = this.costOf(schema, document, operation, variables, isBulk);
    const scope = currentScope();
    if (scope) scope.cost = requested;
    if (requested > this.limits.maxCost) {
      throw badInput(
        `Query cost ${requested} is over the limit of ${this.limits.maxCost}; ask for smaller pages or fewer fields`,
        {
          cost: { requested, limit: this.limits.maxCost },
          limit: 'MAX_COST',
        },
      );
    }
    const r = await this.buckets.take(viewer ? `${viewer.role}:${viewer.sub}` : 'anonymous', requested);
    if (!r.ok) {
      throw new GraphQLError(
        `Rate limited: this query costs ${requested} points and ${r.remaining} are available; retry in ${r.retryAfterSeconds} s`,
        {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfter: r.retryAfterSeconds,
            cost: { requested, remaining: r.remaining, limit: this.limits.bucketCapacity },
            http: { status: 429, headers: new Map([['retry-after', String(r.retryAfterSeconds)]]) },
          },
        },
      );
    }
    return { requested, remaining: r.remaining, limit: this.limits.bucketCapacity };
  }

  private costOf(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
    isBulk: boolean,
  ): number {
    const json = isBulk ? null : JSON.stringify(variables);
    if (json === null || json.length > 512) return operationCost(schema, document, operation, variables);
    let known = this.costs.get(operation);
    if (!known) this.costs.set(operation, (known = new Map()));
    let cost = known.get(json);
    if (cost === undefined) {
      cost = operationCost(schema, document, operation, variables);
      if (known.size < 16) known.set(json, cost);
    }
    return cost;
  }
}

/** OperationLimits on Apollo's pipeline; the response carries `extensions.cost { requested, remaining, limit }`, as GitHub and Shopify do. */
export function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let cost: Admitted | null = null;
      return {
        async didResolveOperation({ request, document, operation, contextValue, schema }) {
          if (!operation) return;
          cost = await limits.admit(schema, document, operation, request.variables ?? {}, contextValue.viewer);
        },
        async willSendResponse({ response }) {
          if (cost && response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost };
          }
        },
      };
    },
  };
}
