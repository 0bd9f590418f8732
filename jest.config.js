// One Jest run covers unit specs (beside the code), medium tests (real SQLite, real PostgreSQL) and e2e tests (real app, real
// Baileys, the sandbox, headless Chromium). Baileys and a few of its dependencies ship ESM only; Jest on Node 20
// cannot require ESM, so @swc/jest transforms them to CommonJS.
const esmPackages = [
  '@nestjs',
  '@whiskeysockets/baileys',
  'whatsapp-rust-bridge',
  'p-queue',
  'p-timeout',
  'eventemitter3',
  'lru-cache',
  '@cacheable',
  'cacheable',
  'hookified',
  'music-metadata',
  'file-type',
  'strtok3',
  'token-types',
  'peek-readable',
  'uint8array-extras',
  '@tokenizer',
  '@borewit',
  'hashery',
  'qified',
  'keyv',
  '@keyv',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs', ignoreDynamic: false },
  },
];

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj|cj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^whatsapp-rust-bridge$': '<rootDir>/node_modules/whatsapp-rust-bridge/dist/index.js',
  },
  testTimeout: 60000,
  maxWorkers: 2,
  // One PostgreSQL server for the run (or TEST_DATABASE_URL's); each test file that needs it creates its own
  // database on it with test/support/postgres.ts.
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};
