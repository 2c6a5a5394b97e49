import { parse, specifiedRules, validate, OperationDefinitionNode } from 'graphql';
import WebSocket from 'ws';
import { signToken } from '../../../src/common/auth/jwt';
import { Role } from '../../../src/common/graphql/enums';
import { operationCost } from '../../../src/common/limits/cost';
import { LIMIT_RULES } from '../../../src/common/limits/validation-rules';
import { buildAppSchema } from '../../../src/schema';
import { productionConfig, startTestApi, TestApi } from '../../support/test-server';
import { testConfig, tokenFor } from '../../support/tokens';

/** `fragment F1 on Deal { ...F0 ...F0 }` … `Fk`: 2^k fields once expanded, from a document of ~40 bytes per level. */
const doublingFragments = (k: number) =>
  [
    'fragment F0 on Deal { account { id } }',
    ...Array.from({ length: k }, (_, i) => `fragment F${i + 1} on Deal { ...F${i} ...F${i} }`),
  ].join('\n');

interface Frame {
  type: string;
  id?: string;
  payload?: any;
}

/** A raw graphql-transport-ws socket, driven frame by frame as an attacker would. */
class RawSocket {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
    ws.on('error', () => undefined);
  }
  static async open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url, 'graphql-transport-ws');
    const s = new RawSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return s;
  }
  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
  send(frame: Frame | string) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  /** Waits until the predicate holds (a frame came, the socket closed), up to ms. */
  async until(pred: () => boolean, ms = 5000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!pred() && Date.now() < deadline)
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 25);
      });
    return pred();
  }
  async init(authorization?: string): Promise<void> {
    this.send({ type: 'connection_init', payload: authorization === undefined ? {} : { authorization } });
    await this.until(() => this.closed !== null || this.frames.some((f) => f.type === 'connection_ack'));
  }
  async subscribe(id: string, query: string, variables?: Record<string, unknown>): Promise<Frame | null> {
    this.send({ type: 'subscribe', id, payload: { query, variables } });
    await this.until(
      () => this.closed !== null || this.frames.some((f) => f.id === id && (f.type === 'error' || f.type === 'next')),
    );
    return this.frames.find((f) => f.id === id) ?? null;
  }
  close() {
    this.ws.terminate();
  }
}

describe('red team, WebSocket door (raw graphql-transport-ws frames, production configuration)', () => {
  let api: TestApi;
  let url: string;
  const sockets: RawSocket[] = [];
  const open = async () => {
    const s = await RawSocket.open(url);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    api = await startTestApi(productionConfig());
    url = api.server.url.replace('http://localhost', 'ws://127.0.0.1');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await api.close();
  });

  describe('1. validation is linear in the document (doubling fragments)', () => {
    const schema = buildAppSchema();
    // Linear work is a few milliseconds at k = 30 and k = 60; an expanding walk would visit 2^30 and 2^60 nodes
    // (minutes, then forever). The bound is generous so a loaded CI machine (one run took 264 ms cold) cannot
    // trip it, and the best of three runs leaves JIT warm-up and GC pauses out.
    it.each([30, 60])(
      'k = %i: the rules and the cost walk finish in well under a second, and the operation is refused for its expanded size',
      (k) => {
        const doc = parse(`subscription { dealChanged { deal { ...F${k} } } }\n${doublingFragments(k)}`);
        const runs = [0, 1, 2].map(() => {
          const t = performance.now();
          const errors = validate(schema, doc, [...specifiedRules, ...LIMIT_RULES]);
          const cost = operationCost(schema, doc, doc.definitions[0] as OperationDefinitionNode);
          return { ms: performance.now() - t, errors, cost };
        });
        expect(Math.min(...runs.map((r) => r.ms))).toBeLessThan(1000);
        expect(runs[0].errors.map((e) => e.extensions.limit)).toEqual(['MAX_SELECTIONS']);
        expect(runs[0].cost).toBeGreaterThan(2 ** 29);
      },
    );

    it.each([21, 30, 60])(
      'k = %i over the socket, as an ANALYST: refused at once, the server keeps answering',
      async (k) => {
        const s = await open();
        await s.init(`Bearer ${tokenFor(Role.ANALYST)}`);
        const t = performance.now();
        const reply = await s.subscribe(
          'bomb',
          `subscription { dealChanged { deal { ...F${k} } } }\n${doublingFragments(k)}`,
        );
        expect(performance.now() - t).toBeLessThan(1000);
        expect(reply?.type).toBe('error');
        expect(reply?.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_SELECTIONS' });
        const http = await api.gql('{ me { role } }', {}, Role.ANALYST);
        expect(http.body.data?.me.role).toBe('ANALYST');
      },
    );

    it('the same document as an HTTP query is refused with the same limit', async () => {
      const r = await api.gql(`{ deals(first: 1) { nodes { ...F30 } } }\n${doublingFragments(30)}`, {}, Role.ANALYST);
      expect([r.status, r.body.errors?.[0].extensions?.limit]).toEqual([400, 'MAX_SELECTIONS']);
    });

    it('the socket applies the depth, alias and cost limits of HTTP, and no introspection in production', async () => {
      const s = await open();
      await s.init(`Bearer ${tokenFor(Role.ANALYST)}`);
      const aliases = await s.subscribe(
        'a',
        `subscription { dealChanged { ${Array.from({ length: 16 }, (_, i) => `a${i}: op`).join(' ')} } }`,
      );
      expect(aliases?.payload[0].extensions).toMatchObject({ limit: 'MAX_ALIASES' });
      const deep = await s.subscribe(
        'd',
        'subscription { dealChanged { deal { leads { deals(first: 1) { nodes { leads { deals(first: 1) { nodes { id } } } } } } } } }',
      );
      expect(deep?.payload[0].extensions).toMatchObject({ limit: 'MAX_DEPTH' });
      const costly = await s.subscribe(
        'c',
        'subscription { dealChanged { deal { account { leads(first: 100) { nodes { touchpoints(first: 100) { nodes { id } } } } } } } }',
      );
      expect(costly?.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_COST' });
      const intro = await s.subscribe('i', 'subscription { dealChanged { op __schema { types { name } } } }');
      expect(intro?.type).toBe('error');
      expect(JSON.stringify(intro?.payload)).not.toMatch(/stack|node_modules/);
    });
  });

  describe('2. messages are bounded like HTTP bodies', () => {
    it.each([
      ['30 MB', 30 * 1024 * 1024],
      ['200 kB', 200 * 1024],
    ])('a %s frame before any token closes the socket with 1009, unparsed', async (_what, bytes) => {
      const s = await open();
      const t = performance.now();
      s.send(JSON.stringify({ type: 'connection_init', payload: { junk: 'x'.repeat(bytes) } }));
      expect(await s.until(() => s.closed !== null, 10_000)).toBe(true);
      expect(s.closed!.code).toBe(1009);
      expect(performance.now() - t).toBeLessThan(5000);
    });

    it('a frame under the limit is read as usual', async () => {
      const s = await open();
      await s.init(`Bearer ${tokenFor(Role.ANALYST)}`);
      expect(s.frames.map((f) => f.type)).toEqual(['connection_ack']);
    });
  });

  describe('10. tokens on the socket', () => {
    it.each([
      ['no token', undefined, /bearer token is required/i],
      ['a garbage token', 'Bearer not.a.jwt', /not valid/i],
      [
        'an expired token',
        `Bearer ${signToken({ sub: 'x@test.example', role: Role.ADMIN }, testConfig.jwt, -120)}`,
        /expired/i,
      ],
      ['Basic credentials', 'Basic dXNlcjpwYXNz', /Bearer <JWT>/],
    ])('%s: closed with 4403 and a reason that says what was wrong', async (_what, authorization, reason) => {
      const s = await open();
      await s.init(authorization);
      expect(await s.until(() => s.closed !== null)).toBe(true);
      expect(s.closed!.code).toBe(4403);
      expect(s.closed!.reason).toMatch(reason);
    });

    it('the scheme is case-insensitive on the socket too', async () => {
      const s = await open();
      await s.init(`bearer ${tokenFor(Role.ANALYST)}`);
      expect(s.frames.map((f) => f.type)).toEqual(['connection_ack']);
    });

    it('a token that expires while the socket is open closes it at exp with 4401, and says why', async () => {
      const s = await open();
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = signToken(
        { sub: 'short@test.example', role: Role.ANALYST },
        testConfig.jwt,
        exp - Math.floor(Date.now() / 1000),
      );
      await s.init(`Bearer ${token}`);
      expect(s.frames.map((f) => f.type)).toEqual(['connection_ack']);
      const sub = await s.subscribe('s', 'subscription { dealChanged { op } }');
      expect(sub?.type ?? 'subscribed').not.toBe('error'); // subscribed (another file's write may already have sent an event)
      expect(await s.until(() => s.closed !== null, 6000)).toBe(true);
      expect(s.closed).toEqual({ code: 4401, reason: 'Token has expired' });
      expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
    });
  });
});
