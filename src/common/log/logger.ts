import pino, { DestinationStream } from 'pino';
import { currentScope } from '../request/request-scope';

/** Structured JSON lines on stderr through pino; one instance per process, level from config. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Never logged: credentials (bearer tokens, cookies, passwords, connection strings with them) and the personal data of
 * leads (email, names), wherever they sit one level down in a log line's fields.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'email',
  'firstName',
  'lastName',
  'databaseUrl',
  'connectionString',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.email',
  '*.firstName',
  '*.lastName',
  '*.databaseUrl',
  '*.connectionString',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** A pino logger with the house fields: `time` as ISO, `level` as its name, errors serialised, the request id added. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const p = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      mixin: () => {
        const requestId = currentScope()?.requestId;
        return requestId ? { requestId } : {};
      },
    },
    destination ?? process.stderr,
  );
  const at =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) =>
      p[lvl](fields, msg);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let current: Logger = createLogger('info');
export const logger: Logger = {
  debug: (m, f) => current.debug(m, f),
  info: (m, f) => current.info(m, f),
  warn: (m, f) => current.warn(m, f),
  error: (m, f) => current.error(m, f),
};
/** The process's level (and, for tests, where lines go). */
export function setLogLevel(level: LogLevel, destination?: DestinationStream): void {
  current = createLogger(level, destination);
}
