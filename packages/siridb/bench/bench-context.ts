import type { SiriDBClient } from '../src/index.js';
import type { BareSiriDBSocket } from './bare-client.js';
import type { PythonConnector } from './python-connector.js';
import type { Precision } from './timestamps.js';

/** One server under measurement, and the three contenders connected to it. */
export interface BenchContext {
  readonly ours: SiriDBClient;
  /** Absent when the Python connector is not installed or could not connect (already reported). */
  readonly python: PythonConnector | undefined;
  /** Absent when the bare socket could not connect (already reported). */
  readonly bare: BareSiriDBSocket | undefined;
  readonly precision: Precision;
  /** The timestamp of point `k` in the database's precision. */
  readonly clock: (k: number) => number | bigint;
  /** Every series this run writes starts with it; they are dropped at the end. */
  readonly prefix: string;
  /** `select * from "<prefix>select"`: a series of `SPEC.selectedPoints` points. */
  readonly selectQuery: string;
}
