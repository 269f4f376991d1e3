import { describe, expect, it } from 'vitest';
import { eventSql } from '../../src/events.js';

const MAX_EVENT_SQL = 2_000;

describe('statement text in events', () => {
  it('masks password literals in every form', () => {
    expect(eventSql("CREATE ROLE x LOGIN PASSWORD 'it''s secret'")).toBe(
      "CREATE ROLE x LOGIN PASSWORD '[redacted]'",
    );
    expect(eventSql("ALTER USER x WITH password E'it\\'s secret'")).toBe(
      "ALTER USER x WITH password '[redacted]'",
    );
    expect(eventSql('ALTER USER x PASSWORD /*c*/ $tag$secret$tag$')).toBe(
      "ALTER USER x PASSWORD /*c*/ '[redacted]'",
    );
  });

  it('cuts long statements after 2000 characters, with an ellipsis', () => {
    const long = eventSql(`SELECT '${'x'.repeat(5_000)}'`);
    expect(long.length).toBe(MAX_EVENT_SQL + 1);
    expect(long.endsWith('…')).toBe(true);
    expect(eventSql('SELECT 1')).toBe('SELECT 1');
  });

  it('masks before cutting, so a cut through a password literal shows none of it', () => {
    const secret = `s3cr3t${'-'.repeat(200)}`;
    const statement = `SELECT '${'x'.repeat(1_990)}'; ALTER USER u PASSWORD '${secret}'`;
    const published = eventSql(statement);
    expect(published).not.toContain('s3cr3t');
    expect(published).not.toContain('s3c');
  });
});
