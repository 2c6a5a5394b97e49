import { PrimedLoader } from '../batch';

describe('PrimedLoader', () => {
  const loader = () => {
    const batches: string[][] = [];
    return {
      batches,
      l: new PrimedLoader<string, string>(async (keys) => (batches.push([...keys]), keys.map((k) => `db:${k}`))),
    };
  };

  it('hands a primed value back at once (no promise), and batches the rest', async () => {
    const { l, batches } = loader();
    l.prime('a', 'primed:a');
    expect(l.get('a')).toBe('primed:a');
    const b = l.get('b');
    expect(b).toBeInstanceOf(Promise);
    await expect(b).resolves.toBe('db:b');
    await expect(l.load('a')).resolves.toBe('primed:a');
    expect(batches).toEqual([['b']]);
  });

  it('keeps what was loaded first, as DataLoader.prime does, and forgets on clear', async () => {
    const { l } = loader();
    await l.load('a');
    l.prime('a', 'primed:a');
    await expect(l.get('a')).resolves.toBe('db:a');
    l.clear('a').prime('a', 'again:a');
    expect(l.get('a')).toBe('again:a');
    l.clearAll();
    await expect(l.get('a')).resolves.toBe('db:a');
  });
});
