/** Two projects: pure unit specs beside the code, and integration tests against real PostgreSQL. */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  // jose ships ES modules only: Babel rewrites their imports to CommonJS for Jest, nothing else (Node loads them
  // natively in the service)
  '/node_modules/jose/.+\\.js$': [
    'babel-jest',
    { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/src/**/__tests__/**/*.spec.ts'],
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      setupFiles: ['reflect-metadata'],
    },
  ],
};
