/**
 * SQL composed from fragments that carry their own bound values, numbered once at the end (compile), so no fragment
 * knows or fixes a placeholder position: a fragment written for `asOf` works wherever it is spliced.
 *
 *   const asOf = param(q.asOf);
 *   const q = sql`SELECT … WHERE d.created_at <= ${asOf} AND ${latestChangeAsOf(sql`d.id`, asOf)}`;
 *   compile(q) // { text: 'SELECT … WHERE d.created_at <= $1 AND …$1…', values: [q.asOf] }
 *
 * What a template interpolates:
 * - a `Param` (param(value)) becomes a placeholder; the same Param object is one placeholder however often it appears;
 * - an `Sql` fragment is spliced in with its own parameters;
 * - a string or number is SQL text as written: only constants of the calling module (column names, expressions,
 *   keywords), never a value that came from a client — values go through param().
 */
export class Param {
  constructor(readonly value: unknown) {}

  toString(): string {
    throw new TypeError('A Param was put into a plain string; compose it with the sql tag');
  }
}

export class Sql {
  constructor(readonly chunks: readonly (string | Param)[]) {}

  /** A fragment in a plain template string would lose its parameters (and print [object Object]): refuse loudly. */
  toString(): string {
    throw new TypeError('An Sql fragment was put into a plain string; compose it with the sql tag');
  }
}

export type SqlPart = Sql | Param | string | number;

/** A bound value: one placeholder wherever this object is interpolated. */
export const param = (value: unknown): Param => new Param(value);

export function sql(strings: TemplateStringsArray, ...parts: SqlPart[]): Sql {
  const chunks: (string | Param)[] = [];
  strings.forEach((s, i) => {
    chunks.push(s);
    if (i < parts.length) chunks.push(...chunksOf(parts[i]));
  });
  return new Sql(chunks);
}

function chunksOf(part: SqlPart): (string | Param)[] {
  if (part instanceof Sql) return [...part.chunks];
  if (part instanceof Param) return [part];
  if (typeof part === 'string' || typeof part === 'number') return [String(part)];
  throw new TypeError(`sql: cannot interpolate ${typeof part}; wrap values in param()`);
}

/** Fragments joined by a separator (', ', ' OR ', ' UNION ALL '). */
export function joinSql(parts: readonly SqlPart[], separator: string): Sql {
  const chunks: (string | Param)[] = [];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(separator);
    chunks.push(...chunksOf(p));
  });
  return new Sql(chunks);
}

/** Text with $1…$n in order of first appearance, and the values they bind. */
export function compile(q: Sql): { text: string; values: unknown[] } {
  const numbers = new Map<Param, number>();
  const values: unknown[] = [];
  let text = '';
  for (const c of q.chunks) {
    if (typeof c === 'string') {
      text += c;
      continue;
    }
    let n = numbers.get(c);
    if (n === undefined) {
      values.push(c.value);
      numbers.set(c, (n = values.length));
    }
    text += `$${n}`;
  }
  return { text, values };
}

/** The text of a fragment that binds nothing (a statement built from constants only); throws when it binds values. */
export function constantText(q: Sql): string {
  const { text, values } = compile(q);
  if (values.length) throw new Error('constantText: this fragment binds values; run it with its parameters');
  return text;
}
