import { toCsv } from '../csv';

describe('toCsv (RFC 4180)', () => {
  it('writes a header and CRLF lines, empty cells for null, ISO instants, quoted fields where needed', () => {
    const csv = toCsv(
      ['key', 'label', 'value', 'at'],
      [
        { key: '1', label: 'Plain', value: 12.5, at: new Date('2026-01-01T00:00:00Z') },
        { key: '2', label: 'Comma, "quoted"\nand a line', value: null, at: undefined },
      ],
    );
    expect(csv).toBe(
      'key,label,value,at\r\n1,Plain,12.5,2026-01-01T00:00:00.000Z\r\n2,"Comma, ""quoted""\nand a line",,\r\n',
    );
  });

  it('a header alone when there are no rows', () => {
    expect(toCsv(['a', 'b'], [])).toBe('a,b\r\n');
  });
});

describe('toCsv against formula injection (OWASP)', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","open")', `"'=HYPERLINK(""http://evil.example"",""open"")"`],
    ["+1+cmd|' /C calc'!A0", `'+1+cmd|' /C calc'!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a text cell %p', (text, cell) => {
    expect(toCsv(['name'], [{ name: text }])).toBe(`name\r\n${cell}\r\n`);
  });

  it('leaves numbers, numbers written as text and ordinary text alone', () => {
    expect(toCsv(['a', 'b', 'c', 'd'], [{ a: -12.5, b: '-12.50', c: '+3', d: 'Acme - EMEA' }])).toBe(
      'a,b,c,d\r\n-12.5,-12.50,+3,Acme - EMEA\r\n',
    );
  });

  it("reads only a row's own properties (no inherited constructor or toString)", () => {
    expect(toCsv(['constructor', 'toString'], [{}])).toBe('constructor,toString\r\n,\r\n');
  });
});
