import { runInScope } from '../../request/request-scope';
import { createLogger } from '../logger';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (l: string) => void lines.push(JSON.parse(l)) } };
};

describe('logger (pino)', () => {
  it('writes JSON lines with ISO time, the level name, the message and the request id of the scope', () => {
    const { lines, stream } = capture();
    const log = createLogger('info', stream);
    runInScope({ requestId: 'req-1', statements: 0 }, () => log.info('hello', { n: 1 }));
    log.debug('not at info');
    expect(lines).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), level: 'info', msg: 'hello', n: 1, requestId: 'req-1' },
    ]);
  });

  it('redacts credentials and personal data, top level and one level down', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).warn('x', {
      authorization: 'Bearer abc',
      password: 'p',
      lead: { email: 'ana@example.com', firstName: 'Ana', score: 3 },
      headers: { authorization: 'Bearer x', accept: '*/*' },
    });
    expect(lines[0]).toMatchObject({
      authorization: '[redacted]',
      password: '[redacted]',
      lead: { email: '[redacted]', firstName: '[redacted]', score: 3 },
      headers: { authorization: '[redacted]', accept: '*/*' },
    });
    expect(JSON.stringify(lines)).not.toMatch(/abc|ana@example|Ana"/);
  });

  it('serialises errors with their name, message and stack', () => {
    const { lines, stream } = capture();
    createLogger('error', stream).error('boom', { err: new TypeError('bad') });
    expect(lines[0].err).toMatchObject({
      type: 'TypeError',
      message: 'bad',
      stack: expect.stringContaining('TypeError: bad'),
    });
  });
});
