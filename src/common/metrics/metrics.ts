import { ApolloServerPlugin } from '@apollo/server';
import { Kind, OperationDefinitionNode } from 'graphql';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DataSource } from 'typeorm';
import { Context } from '../../context';
import { logger } from '../log/logger';
import { currentScope } from '../request/request-scope';
import { replicasFor } from '../../db/read-routing';

/** Distinct operation labels kept; past this, new names count as "other" (a label per client-chosen name is unbounded). */
export const MAX_OPERATION_LABELS = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The Prometheus metrics of one server: requests and latency by operation, errors by code, the pool, Node's own. */
export class Metrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();
  readonly duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL requests by operation (name, or root fields when anonymous), type and outcome',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by extensions.code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly exports = new Counter({
    name: 'export_requests_total',
    help: 'BI export requests by export, format and HTTP status',
    labelNames: ['export', 'format', 'status'],
    registers: [this.registry],
  });

  readonly websocketConnections = new Gauge({
    name: 'websocket_connections',
    help: 'Open graphql-ws connections that passed authentication',
    registers: [this.registry],
  });
  readonly subscriptions = new Gauge({
    name: 'graphql_subscriptions',
    help: 'Subscriptions running over WebSocket',
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook delivery attempts of this instance by outcome: delivered, retry (will be tried again), dead (gave up)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  /**
   * `backlogTables`: the rollups' dirty queues, whose rows (up to a million, then the count stops) are writes not
   * applied yet; with the webhook deliveries due and not delivered, they are read from the database at each scrape
   * (nothing when it is unreachable).
   */
  constructor(ds: DataSource, backlogTables: readonly string[] = []) {
    collectDefaultMetrics({ register: this.registry });
    const counted = async (sql: string) => Number((await ds.query(sql))[0].n);
    new Gauge({
      name: 'rollup_backlog_rows',
      help: "Rows in a rollup's dirty queue: writes committed without the service's steps, not applied yet",
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        if (!ds.isInitialized) return;
        for (const t of backlogTables)
          try {
            this.set({ queue: t }, await counted(`SELECT count(*) AS n FROM (SELECT 1 FROM ${t} LIMIT 1000000) x`));
          } catch {
            // the database is away: no sample rather than a failed scrape
          }
      },
    });
    new Gauge({
      name: 'webhook_deliveries_pending',
      help: 'Webhook deliveries waiting to be sent (due now or retrying later)',
      registers: [this.registry],
      async collect() {
        if (!ds.isInitialized) return;
        try {
          this.set(await counted(`SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'PENDING'`));
        } catch {
          // as above
        }
      },
    });
    const pool = () => (ds.driver as unknown as { master?: Pool }).master;
    new Gauge({
      name: 'db_pool_connections',
      help: 'The API pool: connections open, idle and in use, and requests waiting for one',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = pool();
        this.set({ state: 'total' }, p?.totalCount ?? 0);
        this.set({ state: 'idle' }, p?.idleCount ?? 0);
        this.set({ state: 'in_use' }, (p?.totalCount ?? 0) - (p?.idleCount ?? 0));
        this.set({ state: 'waiting' }, p?.waitingCount ?? 0);
      },
    });
    new Gauge({
      name: 'db_replica_lag_ms',
      help: 'Replay lag of each read replica at its last poll (-1: not reachable or nothing replayed)',
      labelNames: ['replica'],
      registers: [this.registry],
      collect() {
        for (const r of replicasFor(ds)?.replicas ?? []) this.set({ replica: r.name }, r.lagMs ?? -1);
      },
    });
    new Gauge({
      name: 'db_replica_healthy',
      help: 'Whether each read replica may answer reads (1) or is skipped (0)',
      labelNames: ['replica'],
      registers: [this.registry],
      collect() {
        for (const r of replicasFor(ds)?.replicas ?? []) this.set({ replica: r.name }, r.healthy ? 1 : 0);
      },
    });
    new Gauge({
      name: 'db_pool_max',
      help: 'Largest size of the API pool',
      registers: [this.registry],
      collect() {
        this.set((pool() as { options?: { max?: number } } | undefined)?.options?.max ?? 0);
      },
    });
  }

  /** A bounded label for an operation. */
  operationLabel(op: OperationDefinitionNode | null | undefined): string {
    if (!op) return 'unknown';
    let label = this.labels.get(op);
    if (label === undefined) this.labels.set(op, (label = this.labelOf(op)));
    return label;
  }

  /** Labels per parsed operation (Apollo keeps one document per query string): not rebuilt per request. */
  private readonly labels = new WeakMap<OperationDefinitionNode, string>();

  private labelOf(op: OperationDefinitionNode): string {
    const name =
      op.name?.value ??
      op.selectionSet.selections
        .filter((s) => s.kind === Kind.FIELD)
        .map((s) => (s.kind === Kind.FIELD ? s.name.value : ''))
        .sort()
        .join(',');
    if (!NAME.test(name.replace(/,/g, '_'))) return 'other';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_LABELS) return 'other';
    this.names.add(name);
    return name;
  }

  /** Apollo plugin: observes every request (and gives the access line its operation, server.ts requestScope). */
  plugin(): ApolloServerPlugin<Context> {
    const label = (op: OperationDefinitionNode | null | undefined) => this.operationLabel(op);
    const errorsTotal = this.errors;
    const duration = this.duration;
    return {
      async requestDidStart() {
        const started = process.hrtime.bigint();
        let operation = 'unknown';
        let type = 'unknown';
        return {
          async didResolveOperation({ operation: op }) {
            operation = label(op);
            type = op?.operation ?? 'unknown';
          },
          async willSendResponse({ response, errors, contextValue }) {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            const codes =
              (response.body.kind === 'single' ? response.body.singleResult.errors : undefined)?.map((e) =>
                String(e.extensions?.code ?? 'UNKNOWN'),
              ) ?? [];
            for (const code of codes) errorsTotal.inc({ code });
            const outcome = codes.length || errors?.length ? 'error' : 'ok';
            duration.observe({ operation, type, outcome }, seconds);
            // the access line is written when the response is sent (server.ts requestScope)
            const scope = currentScope();
            const seen = { operation, type, outcome, codes: codes.length ? codes : undefined };
            if (scope) scope.operation = seen;
            else
              logger.info('graphql', { ...seen, ms: Math.round(seconds * 1e4) / 10, role: contextValue?.viewer?.role });
          },
        };
      },
    };
  }
}
