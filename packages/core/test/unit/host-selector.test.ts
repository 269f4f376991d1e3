import { describe, expect, it } from 'vitest';
import { ConfigError, HostSelector, type HostSpec, seededRandom } from '../../src/index.js';

const a: HostSpec = { host: 'a', port: 9000, weight: 1 };
const b: HostSpec = { host: 'b', port: 9000, weight: 3 };
const backup: HostSpec = { host: 'c', port: 9000, backup: true };

function tally(
  selector: HostSelector<HostSpec>,
  n: number,
  pick = () => selector.pick(),
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const host = pick()?.host ?? 'none';
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

describe('HostSelector', () => {
  it('chooses primaries by weight (1:3 gives about 25%:75%)', () => {
    const selector = new HostSelector([a, b, backup], { random: seededRandom(7) });
    const counts = tally(selector, 20_000);
    expect(counts.get('c')).toBeUndefined();
    const shareOfB = (counts.get('b') ?? 0) / 20_000;
    expect(shareOfB).toBeGreaterThan(0.73);
    expect(shareOfB).toBeLessThan(0.77);
  });

  it('is repeatable with the same seed', () => {
    const first = new HostSelector([a, b], { random: seededRandom(1) });
    const second = new HostSelector([a, b], { random: seededRandom(1) });
    const run = (s: HostSelector<HostSpec>) => Array.from({ length: 20 }, () => s.pick()?.host).join('');
    expect(run(first)).toBe(run(second));
  });

  it('uses backups only when no primary is available', () => {
    const selector = new HostSelector([a, b, backup], { random: seededRandom(3) });
    const down = new Set(['a', 'b']);
    expect(selector.pick({ isAvailable: (h) => !down.has(h.host) })).toBe(backup);
    down.delete('a');
    const counts = tally(selector, 200, () => selector.pick({ isAvailable: (h) => !down.has(h.host) }));
    expect([...counts.keys()]).toEqual(['a']);
  });

  it('keeps an inactive host out for the inactive period, then brings it back', () => {
    let clock = 0;
    const selector = new HostSelector([a, b], {
      inactiveMs: 30_000,
      random: seededRandom(5),
      now: () => clock,
    });
    selector.markInactive(b);
    expect(selector.isInactive(b)).toBe(true);
    expect([...tally(selector, 100).keys()]).toEqual(['a']);
    clock = 29_999;
    expect(selector.isInactive(b)).toBe(true);
    clock = 30_000;
    expect(selector.isInactive(b)).toBe(false);
    expect(tally(selector, 100).get('b')).toBeGreaterThan(0);
  });

  it('falls back to an available-but-inactive host only when allowed', () => {
    const selector = new HostSelector([a], { random: seededRandom(9) });
    selector.markInactive(a);
    expect(selector.pick()).toBeUndefined();
    expect(selector.pick({ allowInactive: true })).toBe(a);
    selector.markActive(a);
    expect(selector.pick()).toBe(a);
  });

  it('prefers an inactive primary only after active backups', () => {
    const selector = new HostSelector([a, backup], { random: seededRandom(11) });
    selector.markInactive(a);
    expect(selector.pick({ allowInactive: true })).toBe(backup);
  });

  it('prefer picks within the group the choice falls in, never crossing to backups', () => {
    const selector = new HostSelector([a, b, backup], { random: seededRandom(4) });
    const preferA = tally(selector, 100, () => selector.pick({ prefer: (h) => h.host === 'a' }));
    expect([...preferA.keys()]).toEqual(['a']);
    // Preferring the backup does not pick it while a primary is available.
    const preferBackup = tally(selector, 100, () => selector.pick({ prefer: (h) => h.backup === true }));
    expect(preferBackup.get('c')).toBeUndefined();
    // Nobody preferred: the weighted choice as usual.
    const none = tally(selector, 400, () => selector.pick({ prefer: () => false }));
    expect(none.get('a')).toBeGreaterThan(0);
    expect(none.get('b')).toBeGreaterThan(none.get('a') as number);
  });

  it('honours exclude', () => {
    const selector = new HostSelector([a, b], { random: seededRandom(2) });
    expect(selector.pick({ exclude: new Set([b]) })).toBe(a);
    expect(selector.pick({ exclude: new Set([a, b]) })).toBeUndefined();
  });

  it.each([
    [[], 'hostlist'],
    [[{ host: '', port: 1 }], 'hostlist[0].host'],
    [[{ host: 'x', port: 0 }], 'hostlist[0].port'],
    [[{ host: 'x', port: 70000 }], 'hostlist[0].port'],
    [[{ host: 'x', port: 1, weight: 10 }], 'hostlist[0].weight'],
    [[{ host: 'x', port: 1, weight: 0 }], 'hostlist[0].weight'],
    [[{ host: 'x', port: 1, weight: 1.5 }], 'hostlist[0].weight'],
  ] as const)('rejects %j with a ConfigError on %s', (hosts, field) => {
    let caught: unknown;
    try {
      new HostSelector(hosts as readonly HostSpec[]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(field);
  });
});

describe('HostSelector.nextActiveInMs', () => {
  it('tells how long until the first inactive host is back', () => {
    let clock = 1_000;
    const selector = new HostSelector([a, b], { inactiveMs: 500, now: () => clock });
    expect(selector.nextActiveInMs()).toBeUndefined();
    selector.markInactive(a);
    clock += 100;
    selector.markInactive(b, 1_000);
    expect(selector.nextActiveInMs()).toBe(400);
    clock += 400;
    expect(selector.nextActiveInMs()).toBe(600);
    clock += 600;
    expect(selector.nextActiveInMs()).toBeUndefined();
  });
});
