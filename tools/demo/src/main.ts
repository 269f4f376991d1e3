// `npm run demo`: each finished package contributes one short demo against a local server.
import { coreDemo } from './core-demo.js';
import { siridbDemo } from './siridb-demo.js';

const demos: ReadonlyArray<readonly [string, () => Promise<void>]> = [
  ['@conn/core', coreDemo],
  ['@conn/siridb', siridbDemo],
];

for (const [name, demo] of demos) {
  console.log(`\n=== ${name} ===`);
  await demo();
}
console.log('\nDemo finished.');
