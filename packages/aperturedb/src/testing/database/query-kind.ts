/**
 * Sorts a request before the session check (docs/protocols/aperturedb.md §2.1): `Authenticate` and
 * `RefreshToken` are answered without a session token, everything else needs one. A query mixing
 * the two kinds is refused as a whole.
 */
export const TOKENLESS_COMMANDS: ReadonlySet<string> = new Set(['Authenticate', 'RefreshToken']);

export type QueryKind =
  | { readonly kind: 'tokenless'; readonly commands: ReadonlyArray<readonly [string, unknown]> }
  | { readonly kind: 'mixed' }
  /** Anything else, malformed text included: the engine answers it (or its error). */
  | { readonly kind: 'engine' };

export function classifyQuery(json: string): QueryKind {
  let query: unknown;
  try {
    query = JSON.parse(json);
  } catch {
    return { kind: 'engine' };
  }
  if (!Array.isArray(query)) return { kind: 'engine' };
  const names = query.map(commandName);
  const tokenless = names.filter((name) => name !== undefined && TOKENLESS_COMMANDS.has(name)).length;
  if (tokenless === 0) return { kind: 'engine' };
  if (tokenless !== query.length) return { kind: 'mixed' };
  return {
    kind: 'tokenless',
    commands: query.map((command) => Object.entries(command as object)[0] as [string, unknown]),
  };
}

/** The command name of a well-formed `{"Name": {...}}` entry, else undefined. */
function commandName(command: unknown): string | undefined {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) return undefined;
  const keys = Object.keys(command);
  return keys.length === 1 ? keys[0] : undefined;
}
