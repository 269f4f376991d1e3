// A deterministic fake resource factory for pool tests: creates succeed, fail, hang until aborted
// or finish late, as planned; every resource can be "lost" the way a closed socket reports it.
import type { Factory } from '../../src/pool/index.js';

export interface FakeConn {
  readonly id: number;
  /** Label given by the factory (e.g. the host). */
  readonly label: string;
  /** What isReusable() answers. */
  reusable: boolean;
  destroyed: boolean;
  /** Reports the resource lost to its pool (the factory's `lost` callback). */
  lose(error?: unknown): void;
}

/** One planned create. */
export type Step =
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'fail'; error: unknown; delayMs?: number }
  | { kind: 'hang' }
  | { kind: 'late'; delayMs: number };

export class FakeFactory implements Factory<FakeConn> {
  readonly plan: Step[] = [];
  readonly alive: Set<FakeConn> = new Set();
  readonly destroyed: FakeConn[] = [];
  /** `Date.now()` of every create call. */
  readonly createTimes: number[] = [];
  createCalls = 0;
  /** Resources made (creates that succeeded, late ones included). */
  made = 0;
  maxAlive = 0;
  doubleDestroys = 0;
  /** What unplanned creates do. */
  fallback: Step = { kind: 'ok' };
  private nextId = 1;

  constructor(readonly label: string = 'fake') {}

  create(signal: AbortSignal, lost: (error?: unknown) => void): Promise<FakeConn> {
    this.createCalls++;
    this.createTimes.push(Date.now());
    const step: Step = this.plan.shift() ?? this.fallback;
    return new Promise<FakeConn>((resolve, reject) => {
      const finish = (): void => {
        if (step.kind === 'fail') reject(step.error);
        else resolve(this.make(lost));
      };
      if (step.kind === 'hang') {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        return;
      }
      const delayMs = step.delayMs ?? 0;
      if (delayMs === 0) {
        finish();
        return;
      }
      const timer = setTimeout(finish, delayMs);
      if (step.kind !== 'late') {
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      }
    });
  }

  destroy(conn: FakeConn): void {
    if (conn.destroyed) this.doubleDestroys++;
    conn.destroyed = true;
    this.alive.delete(conn);
    this.destroyed.push(conn);
  }

  isReusable(conn: FakeConn): boolean {
    return conn.reusable;
  }

  failNext(count: number, error: unknown = refused()): this {
    for (let i = 0; i < count; i++) this.plan.push({ kind: 'fail', error });
    return this;
  }

  private make(lost: (error?: unknown) => void): FakeConn {
    this.made++;
    const conn: FakeConn = {
      id: this.nextId++,
      label: this.label,
      reusable: true,
      destroyed: false,
      lose: (error) => lost(error),
    };
    this.alive.add(conn);
    this.maxAlive = Math.max(this.maxAlive, this.alive.size);
    return conn;
  }
}

export function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

/** Lets queued promise callbacks run (fake timers do not move). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

/** Resolves after the current `process.nextTick` queue ran (not faked by vitest's fake timers). */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

/** Records how a promise settled without awaiting it; `settles` counts settlements. */
export function track<T>(promise: Promise<T>): {
  status: 'pending' | 'fulfilled' | 'rejected';
  value?: T;
  error?: unknown;
  settles: number;
} {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown; settles: number } =
    {
      status: 'pending',
      settles: 0,
    };
  promise.then(
    (value) => {
      state.settles++;
      state.status = 'fulfilled';
      state.value = value;
    },
    (error: unknown) => {
      state.settles++;
      state.status = 'rejected';
      state.error = error;
    },
  );
  return state;
}
