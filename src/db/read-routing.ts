import { DataSource } from 'typeorm';
import { fromDbFault } from '../common/errors/pg-error';
import { currentScope, RequestScope } from '../common/request/request-scope';
import { parseLsn, Replica, ReplicaSet, skipReplica } from './replicas';

/**
 * Where a request's analytics read from (`extensions.readFrom` of its response): a replica and its lag when the read
 * was routed, or the primary and why.
 */
export interface ReadFrom {
  source: 'REPLICA' | 'PRIMARY';
  replica?: string;
  lagMs?: number;
  /** Why the primary: the request writes, no replica is healthy, none has replayed the client's LSN, one failed. */
  reason?: 'WRITE_REQUEST' | 'NO_HEALTHY_REPLICA' | 'NOT_CAUGHT_UP' | 'REPLICA_FAILED';
}

/** What a request remembers of its routing: one replica for all its reads (or the primary), chosen at the first. */
export interface ReadRouting {
  /** The LSN the client asked to have been replayed (header `x-read-after-lsn`), as a number. */
  afterLsn?: bigint;
  /** The operation writes (a mutation): every read goes to the primary, which has its writes. */
  writes?: boolean;
  from?: ReadFrom;
  replica?: Replica | null;
}

/** A header's LSN (`16/B374D848`): the number, undefined when absent, null when it is not an LSN. */
export function readAfterLsn(header: string | undefined): bigint | undefined | null {
  if (header === undefined) return undefined;
  return parseLsn(header.trim());
}

const replicaSets = new WeakMap<DataSource, ReplicaSet>();

/** Reads routed through `onReplica(primary, …)` may go to these replicas from now on. */
export function routeReads(primary: DataSource, replicas: ReplicaSet): void {
  replicaSets.set(primary, replicas);
}

/** The replicas reads of this primary may go to (null: none configured). */
export function replicasFor(primary: DataSource): ReplicaSet | null {
  return replicaSets.get(primary) ?? null;
}

/** The request's replica (or null: the primary), chosen at its first routed read and kept for the others. */
function route(routing: ReadRouting, replicas: ReplicaSet): Replica | null {
  if (routing.replica !== undefined) return routing.replica;
  if (routing.writes) {
    routing.replica = null;
    routing.from = { source: 'PRIMARY', reason: 'WRITE_REQUEST' };
  } else {
    const chosen = replicas.choose(routing.afterLsn ?? null);
    routing.replica = chosen.replica;
    routing.from = chosen.replica
      ? { source: 'REPLICA', replica: chosen.replica.name, lagMs: chosen.replica.lagMs ?? undefined }
      : { source: 'PRIMARY', reason: chosen.reason };
  }
  return routing.replica;
}

/**
 * The database a whole request reads its records from (an export: its list pages and their loaders): the request's
 * replica when one may serve it, else the primary. Unlike onReplica, a replica failing mid-request is not retried
 * here: the export answers 503 (retryable) and the replica is skipped from the next poll.
 */
export function readerFor(primary: DataSource): DataSource {
  const replicas = replicasFor(primary);
  return (replicas && route(routingOf(currentScope()), replicas)?.ds) ?? primary;
}

/**
 * The request's replica failed where onReplica does not retry (an export's pages, answered 503): the next request
 * reads elsewhere, not only after the next poll.
 */
export function requestReplicaFailed(why: string): void {
  const replica = currentScope()?.reads?.replica;
  if (replica) skipReplica(replica, new Error(why));
}

/** `x-read-from` of an export (its data is rows, not a GraphQL response): `replica-1; lag-ms=12`, `primary; reason=…`. */
export function readFromHeader(): string | null {
  const from = currentScope()?.reads?.from;
  if (!from) return null;
  return from.source === 'REPLICA' ? `${from.replica}; lag-ms=${from.lagMs ?? ''}` : `primary; reason=${from.reason}`;
}

/** The request's routing (kept in its scope); a read outside any request (a WebSocket event) routes on its own. */
function routingOf(scope: RequestScope | undefined): ReadRouting {
  if (!scope) return {};
  return (scope.reads ??= {});
}

/**
 * A read that a replica may serve (analytics, exports): run on the request's replica when DATABASE_READ_URLS is set
 * and one is healthy, caught up with what the client asked for and the request writes nothing; otherwise on the
 * primary. A replica read that fails at the connection level (the replica stopped) or is cancelled by a recovery
 * conflict runs again on the primary, so a client sees no error: the replica is skipped until it is polled healthy.
 */
export async function onReplica<T>(primary: DataSource, read: (db: DataSource) => Promise<T>): Promise<T> {
  const replicas = replicasFor(primary);
  if (!replicas) return read(primary);
  const routing = routingOf(currentScope());
  const replica = route(routing, replicas);
  if (!replica) return read(primary);
  try {
    return await read(replica.ds);
  } catch (err) {
    const conflict = (err as { code?: string }).code === '40001';
    if (!conflict && !fromDbFault(err)) throw err;
    if (!conflict) skipReplica(replica, err as Error);
    routing.replica = null;
    routing.from = { source: 'PRIMARY', reason: 'REPLICA_FAILED' };
    return read(primary);
  }
}
