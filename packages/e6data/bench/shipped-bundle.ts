import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as Shipped from './shipped.js';

/** What bench/shipped.ts exports, from its bundle (built by `pnpm bench` before it runs). */
export type ShippedCode = typeof Shipped;

const BUNDLE = new URL('../.cache/bench/shipped.js', import.meta.url);

/** Loads the bundle of bench/shipped.ts; without one (run by hand), says how to build it. */
export async function loadShipped(): Promise<ShippedCode> {
  if (!existsSync(fileURLToPath(BUNDLE))) {
    throw new Error('no bench bundle: run `pnpm bench` (it builds bench/shipped.ts first)');
  }
  return (await import(BUNDLE.href)) as ShippedCode;
}
