/** How much of the blue-green activity is logged: the connector's `E6DATA_STRATEGY_LOG_LEVEL`. */
export type StrategyLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export const STRATEGY_LOG_LEVELS: readonly StrategyLogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

/** Where log lines go (default: `console`). */
export interface StrategyLogSink {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What each strategy event is worth: a refusal (HTTP 456) warns, the rest informs. */
const EVENT_LEVEL: Readonly<Record<string, StrategyLogLevel>> = {
  'strategy:detected': 'INFO',
  'strategy:announced': 'INFO',
  'strategy:switch': 'INFO',
  'strategy:refused': 'WARNING',
};

/**
 * A logger of strategy events at `level` and above. The lines name the event and the two
 * strategies only: never a host secret, token or session.
 */
export function strategyLogger(
  level: StrategyLogLevel,
  sink: StrategyLogSink = console,
): (event: string, detail: { from?: string | undefined; to?: string | undefined; reason: string }) => void {
  const threshold = STRATEGY_LOG_LEVELS.indexOf(level);
  return (event, { from, to, reason }) => {
    const eventLevel = EVENT_LEVEL[event] ?? 'DEBUG';
    if (STRATEGY_LOG_LEVELS.indexOf(eventLevel) < threshold) return;
    const line = `@conn/e6data ${event}: ${from ?? 'none'} -> ${to ?? 'none'} (${reason})`;
    if (eventLevel === 'WARNING') sink.warn(line);
    else if (eventLevel === 'ERROR') sink.error(line);
    else if (eventLevel === 'INFO') sink.info(line);
    else sink.debug(line);
  };
}
