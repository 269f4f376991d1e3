// `npm run demo`: each finished package contributes one short demo against a local server.
import { aperturedbDemo } from './aperturedb-demo.js';
import { cockroachdbDemo } from './cockroachdb-demo.js';
import { coreDemo } from './core-demo.js';
import { e6dataDemo } from './e6data-demo.js';
import { siridbDemo } from './siridb-demo.js';
import { zteradbDemo } from './zteradb-demo.js';

const demos: ReadonlyArray<readonly [string, () => Promise<void>]> = [
  ['@conn/core', coreDemo],
  ['@conn/siridb', siridbDemo],
  ['@conn/cockroachdb', cockroachdbDemo],
  ['@conn/zteradb', zteradbDemo],
  ['@conn/aperturedb', aperturedbDemo],
  ['@conn/e6data', e6dataDemo],
];

for (const [name, demo] of demos) {
  console.log(`\n=== ${name} ===`);
  await demo();
}
console.log('\nDemo finished.');
