/**
 * Start-up errors sorted into those worth waiting for (the database is not up yet, is starting, has no free
 * connection) and those no retry can fix (authentication, a missing database or role, a failed migration, anything
 * unknown), each with the reason an operator reads.
 */

/** Node's network error codes of a server that is not there yet, or went away. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND', // a compose service's host name before its container exists
  'EPIPE',
]);

/** SQLSTATEs a later attempt can pass: connection exceptions (08), starting or shutting down, no free slot. */
const TRANSIENT_SQLSTATE = /^(08...|57P0[1-3]|53300|40001|40P01)$/;

/** What an operator should do about a permanent SQLSTATE. */
const ADVICE: Record<string, string> = {
  '28P01': 'the password in DATABASE_URL is wrong',
  '28000': 'the role in DATABASE_URL may not log in (no such role, or pg_hba.conf refuses it)',
  '3D000': 'the database in DATABASE_URL does not exist: create it, or fix the URL',
  '42501': 'the role in DATABASE_URL lacks a privilege the migrations need (it should own the database)',
};

export interface StartupFailure {
  transient: boolean;
  /** One line: what failed and, when known, what to do. Never a connection string. */
  reason: string;
}

const codeOf = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const c = e?.code ?? e?.driverError?.code;
  return typeof c === 'string' ? c : undefined;
};

/** Sorts a start-up error; `step` names what was being done (connecting, migration X, ...). */
export function classifyStartupError(err: unknown, step: string): StartupFailure {
  const code = codeOf(err);
  const message = (err instanceof Error ? err.message : String(err)).replace(/postgres(ql)?:\/\/\S+/gi, '[url]');
  const transient =
    (code !== undefined && (NETWORK.has(code) || TRANSIENT_SQLSTATE.test(code))) ||
    (code === undefined &&
      /connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(message));
  const advice = code && ADVICE[code] ? `: ${ADVICE[code]}` : '';
  return { transient, reason: `${step} failed${code ? ` (${code})` : ''}: ${message}${advice}` };
}
