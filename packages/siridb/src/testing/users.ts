/**
 * Database users and access rights (docs/protocols/siridb.md §5: rights and profiles).
 * @internal
 */

/** Access bits (`include/siri/db/access.h`). */
export const Access = {
  show: 1,
  count: 2,
  list: 4,
  select: 8,
  insert: 16,
  create: 32,
  alter: 64,
  drop: 128,
  grant: 256,
  revoke: 512,
} as const;

/** A right or profile name. */
export type AccessName = keyof typeof Access | 'read' | 'write' | 'modify' | 'full';

const READ = Access.show | Access.count | Access.list | Access.select;
const WRITE = READ | Access.insert | Access.create;
const MODIFY = WRITE | Access.alter | Access.drop;
const FULL = MODIFY | Access.grant | Access.revoke;

/** `access_map`: profiles first (biggest first), then the single rights. */
const ACCESS_MAP: readonly (readonly [string, number])[] = [
  ['full', FULL],
  ['modify', MODIFY],
  ['write', WRITE],
  ['read', READ],
  ['alter', Access.alter],
  ['count', Access.count],
  ['create', Access.create],
  ['drop', Access.drop],
  ['grant', Access.grant],
  ['insert', Access.insert],
  ['list', Access.list],
  ['revoke', Access.revoke],
  ['select', Access.select],
  ['show', Access.show],
];

/** The bits of one right or profile name; 0 when unknown. */
export function accessFromName(name: string): number {
  for (const [repr, bits] of ACCESS_MAP) if (repr === name) return bits;
  return 0;
}

/** How `list users` shows access: `"full"`, `"read and insert"`, `"show, count and list"`, `"no access"`. */
export function accessToString(bits: number): string {
  let out = '';
  let rest = bits;
  for (const [repr, mask] of ACCESS_MAP) {
    if (rest === 0) break;
    if ((rest & mask) === mask) {
      rest -= mask;
      out += out === '' ? repr : rest !== 0 ? `, ${repr}` : ` and ${repr}`;
    }
  }
  return out === '' ? 'no access' : out;
}

/** A database user. Connections keep a reference, so changes to rights apply at once. */
export class TestUser {
  name: string;
  password: string;
  access: number;

  constructor(name: string, password: string, access: number) {
    this.name = name;
    this.password = password;
    this.access = access;
  }

  /** Undefined when the user has the right, else the 69 message (spec §5). */
  denied(bits: number): string | undefined {
    if ((this.access & bits) === bits) return undefined;
    return `Access denied. User '${this.name}' has no '${accessToString(bits)}' privileges.`;
  }
}

/** `xstr_is_graph`: printable, no spaces. */
function isGraph(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (code <= 0x20 || code === 0x7f) return false;
  }
  return true;
}

/** Password rules for database users; undefined when the password is acceptable. */
export function passwordError(password: string): string | undefined {
  const length = Buffer.byteLength(password, 'utf8');
  if (length < 4) return 'Password should be at least 4 characters.';
  if (length > 128) return 'Password should be at most 128 characters.';
  if (!isGraph(password)) {
    return 'Password contains illegal characters. (only graphical characters are allowed, no spaces, tabs etc.)';
  }
  return undefined;
}

/** User name rules; undefined when the name is acceptable. */
export function userNameError(name: string, existing: readonly TestUser[]): string | undefined {
  const length = Buffer.byteLength(name, 'utf8');
  if (length < 2) return 'User name should be at least 2 characters.';
  if (length > 60) return 'User name should be at least 60 characters.';
  if (!isGraph(name)) {
    return 'User name contains illegal characters. (only graphical characters are allowed, no spaces, tabs etc.)';
  }
  if (existing.some((user) => user.name === name)) return `User '${name}' already exists.`;
  return undefined;
}

/** Access bits from the server option (`'full'`, `'read'`, …, or a list of rights). */
export function accessFromOption(access: string | readonly string[] | undefined): number {
  if (access === undefined) return FULL;
  const names = typeof access === 'string' ? [access] : access;
  let bits = 0;
  for (const name of names) {
    const value = accessFromName(name);
    if (value === 0) throw new TypeError(`unknown SiriDB access right or profile: ${JSON.stringify(name)}`);
    bits |= value;
  }
  return bits;
}
