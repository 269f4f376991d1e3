import { ConfigError, type Secret } from '@conn/core';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv, optionsFromUrl, resolveOptions } from '../../src/options.js';
import { strategyLogger } from '../../src/session/strategy-log.js';

describe('e6data options', () => {
  it('verifies TLS by default, on port 443; plaintext only when asked, on the connector port 80', () => {
    const secure = resolveOptions({ host: 'e6.example.com' });
    expect(secure.tls).toEqual({ ca: undefined, caFile: undefined, servername: undefined });
    expect(secure.port).toBe(443);
    const plain = resolveOptions({ host: 'e6.example.com', secure: false });
    expect(plain.tls).toBeUndefined();
    expect(plain.port).toBe(80);
  });

  it('applies the connector channel options under the user ones, with one grpc. prefix', () => {
    const resolved = resolveOptions({
      grpcOptions: { keepalive_time_ms: 1000, 'grpc.max_receive_message_length': 1024 },
    });
    expect(resolved.grpcOptions['grpc.keepalive_time_ms']).toBe(1000);
    expect(resolved.grpcOptions['grpc.max_receive_message_length']).toBe(1024);
    expect(resolved.grpcOptions['grpc.keepalive_permit_without_calls']).toBe(1);
    expect(Object.keys(resolved.grpcOptions).some((key) => key.startsWith('grpc.grpc.'))).toBe(false);
  });

  it('names the bad option in a ConfigError, before any I/O', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ port: 0 }, 'port'],
      [{ secure: 'yes' }, 'secure'],
      [{ rowMode: 'rows' }, 'rowMode'],
      [{ int64: 'string' }, 'int64'],
      [{ decimal: 3 }, 'decimal'],
      [{ maxRetryAttempts: 0 }, 'maxRetryAttempts'],
      [{ grpcOptions: { x: true } }, 'grpcOptions.x'],
    ];
    for (const [options, field] of bad) {
      let caught: unknown;
      try {
        resolveOptions(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).field, field).toBe(field);
    }
  });

  it('reads the connector URL: database as schema parameter or path, cluster-name, secure, auto-resume', () => {
    const options = optionsFromUrl(
      'e6data://me%40example.com:t%2Fok@e6.example.com:8443/?schema=sales&catalog=hive&cluster-name=MyCluster&secure=true&auto-resume=false',
    );
    expect(options).toMatchObject({
      host: 'e6.example.com',
      port: 8443,
      username: 'me@example.com',
      database: 'sales',
      catalog: 'hive',
      clusterName: 'MyCluster',
      secure: true,
      autoResume: false,
    });
    expect((options.password as Secret).reveal()).toBe('t/ok');
    expect(optionsFromUrl('e6data://u:p@h/db').database).toBe('db');
    expect(() => optionsFromUrl('e6data://u:p@h/?secure=maybe')).toThrow(ConfigError);
  });

  it('reads the documented environment variables, including the two the connector ignores', () => {
    const options = optionsFromEnv({
      E6DATA_HOST: 'e6.example.com',
      E6DATA_USERNAME: 'me@example.com',
      E6DATA_PASSWORD: 'token',
      E6DATA_SECURE: 'false',
      E6DATA_STRATEGY_CACHE_TIMEOUT: '30',
      E6DATA_MAX_RETRY_ATTEMPTS: '2',
    });
    const resolved = resolveOptions(options);
    expect(resolved.strategyCacheTimeoutMs).toBe(30_000);
    expect(resolved.maxRetryAttempts).toBe(2);
    expect(resolved.tls).toBeUndefined();
    // Every bad variable is named at once.
    expect(() => optionsFromEnv({ E6DATA_MAX_RETRY_ATTEMPTS: 'many', E6DATA_SECURE: 'perhaps' })).toThrow(
      /(?=.*E6DATA_MAX_RETRY_ATTEMPTS)(?=.*E6DATA_SECURE)/,
    );
  });
});

describe('E6DATA_STRATEGY_LOG_LEVEL', () => {
  it('is read, WARN accepted as WARNING, anything else refused', () => {
    expect(resolveOptions(optionsFromEnv({ E6DATA_STRATEGY_LOG_LEVEL: 'info' })).strategyLogLevel).toBe(
      'INFO',
    );
    expect(resolveOptions(optionsFromEnv({ E6DATA_STRATEGY_LOG_LEVEL: 'warn' })).strategyLogLevel).toBe(
      'WARNING',
    );
    expect(resolveOptions(optionsFromEnv({})).strategyLogLevel).toBeUndefined();
    expect(() => optionsFromEnv({ E6DATA_STRATEGY_LOG_LEVEL: 'LOUD' })).toThrow(/E6DATA_STRATEGY_LOG_LEVEL/);
  });

  it('logs the events at the level and above, naming only the strategies', () => {
    const lines: string[] = [];
    const sink = {
      debug: (line: string) => lines.push(`debug ${line}`),
      info: (line: string) => lines.push(`info ${line}`),
      warn: (line: string) => lines.push(`warn ${line}`),
      error: (line: string) => lines.push(`error ${line}`),
    };
    const warnings = strategyLogger('WARNING', sink);
    warnings('strategy:switch', { from: 'blue', to: 'green', reason: 'query-boundary' });
    warnings('strategy:refused', { from: 'blue', reason: 'http-456' });
    expect(lines).toEqual(['warn @conn/e6data strategy:refused: blue -> none (http-456)']);
    const everything = strategyLogger('DEBUG', sink);
    everything('strategy:switch', { from: 'blue', to: 'green', reason: 'query-boundary' });
    expect(lines.at(-1)).toBe('info @conn/e6data strategy:switch: blue -> green (query-boundary)');
  });
});
