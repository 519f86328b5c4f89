/** Everything a function test needs: two clusters, a broker's way of delivering events, and test objects. */
export * from './clusters.js';
export * from './delivery.js';
export * from './fixtures.js';
