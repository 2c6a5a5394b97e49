import { toCsv } from '../csv';

describe('toCsv (RFC 4180)', () => {
  it('writes a header and CRLF lines, empty cells for null, ISO instants, quoted fields where needed', () => {
    const csv = toCsv(['key', 'label', 'value', 'at'], [
      { key: '1', label: 'Plain', value: 12.5, at: new Date('2026-01-01T00:00:00Z') },
      { key: '2', label: 'Comma, "quoted"\nand a line', value: null, at: undefined },
    ]);
    expect(csv).toBe('key,label,value,at\r\n1,Plain,12.5,2026-01-01T00:00:00.000Z\r\n2,"Comma, ""quoted""\nand a line",,\r\n');
  });

  it('a header alone when there are no rows', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\r\n');
  });
});
