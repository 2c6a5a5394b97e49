import fs from 'node:fs';
import path from 'node:path';

const analytics = path.join(__dirname, '..', '..', 'src', 'modules', 'analytics');
const files = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__tests__' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });

/**
 * Analytics SQL is composed with the sql tag (src/db/sql-tag.ts): fragments carry their own bound values and
 * placeholders are numbered once, when the statement is compiled. A `$1` written by hand would fix a position that
 * another fragment cannot know.
 */
describe('analytics SQL modules', () => {
  it('write no $<digit> placeholder by hand', () => {
    const found = files(analytics).flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${path.relative(analytics, f)}:${i + 1}`, line }))
        .filter(({ line }) => /\$\d/.test(line)),
    );
    expect(found).toEqual([]);
    expect(files(analytics).length).toBeGreaterThan(20);
  });
});
