/**
 * The suite runs on the project's own Node 24 (the npm registry's `node` package, first on npm scripts' PATH), not on
 * whatever Node the machine ships (20 here, end of life since April 2026).
 */
describe('runtime', () => {
  it('is Node 24 LTS', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
