import type { ZTeraDBTestDatabases } from '../../src/testing/index.js';

/** A small product/user/order data set shared by the integration tests. */
export function sampleDatabases(): ZTeraDBTestDatabases {
  return {
    DB1: {
      user: [
        { id: 1, email: 'john.doe@example.com', status: true },
        { id: 2, email: 'ann@example.com', status: false },
        { id: 3, email: 'bob@example.org', status: true },
      ],
      product: [
        { id: 1, name: 'Gaming Keyboard', price: 4999, quantity: 75, status: 'A' },
        { id: 2, name: 'Wireless Mouse', price: 20, quantity: 30, status: 'A' },
        { id: 3, name: 'USB Cable', price: 10, quantity: 0, status: 'B' },
        { id: 4, name: 'wired headset', price: 30, quantity: 10, status: 'A' },
      ],
      order: [
        { id: 1, user: 1, product: 2 },
        { id: 2, user: 2, product: 1 },
        { id: 3, user: 1, product: 3 },
      ],
    },
  };
}
