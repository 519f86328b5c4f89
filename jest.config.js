/** Jest in native ESM mode (run through `node --experimental-vm-modules`); see docs/adr/0001. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/\\.local/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 30000,
  // Each run has its own TMPDIR, and fails if a test leaves files in it (test/support/temp-dir-*.ts).
  globalSetup: '<rootDir>/test/support/temp-dir-setup.ts',
  globalTeardown: '<rootDir>/test/support/temp-dir-teardown.ts',
};
