import { describe, expect, it } from 'vitest';
import { InvalidDatabaseUrlError, parseDatabaseUrl, redactUrl, withDatabase } from '../src/index.ts';
import { driverUrl, quoteIdentifier } from '../src/url.ts';

describe('parseDatabaseUrl', () => {
  it('reads host, port, user, database and defaults the schema to public', () => {
    const parsed = parseDatabaseUrl('postgresql://app:s3cret@db.internal:6543/bookings');
    expect(parsed).toMatchObject({
      host: 'db.internal',
      port: 6543,
      address: 'db.internal:6543',
      user: 'app',
      database: 'bookings',
      schema: 'public',
    });
  });

  it('defaults the port to 5432, accepts postgres:// and reads ?schema=', () => {
    const parsed = parseDatabaseUrl('postgres://127.0.0.1/x?schema=booking');
    expect(parsed.port).toBe(5432);
    expect(parsed.schema).toBe('booking');
    expect(parsed.user).toBeUndefined();
  });

  it('decodes percent-encoded parts and brackets IPv6 addresses', () => {
    const parsed = parseDatabaseUrl('postgresql://us%40er@[::1]:5433/my%20db');
    expect(parsed.user).toBe('us@er');
    expect(parsed.database).toBe('my db');
    expect(parsed.host).toBe('::1');
    expect(parsed.address).toBe('[::1]:5433');
  });

  it('takes ?host= (Unix socket directories) over the URL host', () => {
    const parsed = parseDatabaseUrl('postgresql://postgres@localhost/app?host=/var/run/postgresql');
    expect(parsed.host).toBe('/var/run/postgresql');
    expect(parsed.address).toContain('Unix socket');
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['mysql://root@localhost/app', /must start with postgresql/],
    ['postgresql://localhost:5432', /must name a database/],
    ['postgresql://localhost:5432/', /must name a database/],
  ])('rejects %s', (input, message) => {
    expect(() => parseDatabaseUrl(input)).toThrow(InvalidDatabaseUrlError);
    expect(() => parseDatabaseUrl(input)).toThrow(message);
  });

  it('never puts the password in its errors, and names the setting', () => {
    try {
      parseDatabaseUrl('mysql://root:hunter2@localhost/app', 'BOOKING_DATABASE_URL');
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
      expect(String(error)).toContain('BOOKING_DATABASE_URL');
    }
  });
});

describe('redactUrl', () => {
  it('replaces the password, keeping everything else', () => {
    expect(redactUrl('postgresql://app:s3cret@db:5432/bookings?schema=x')).toBe('postgresql://app:***@db:5432/bookings?schema=x');
  });

  it('leaves a URL without a password as it is', () => {
    expect(redactUrl('postgresql://postgres@127.0.0.1:5432/postgres')).toBe('postgresql://postgres@127.0.0.1:5432/postgres');
  });

  it('also hides a password query parameter, and never echoes an unparseable string', () => {
    expect(redactUrl('postgresql://db/x?password=s3cret')).not.toContain('s3cret');
    expect(redactUrl('s3cret garbage')).toBe('<unparseable URL>');
  });
});

describe('withDatabase / driverUrl / quoteIdentifier', () => {
  it('swaps the database and drops Prisma’s schema parameter', () => {
    expect(withDatabase('postgresql://u:p@h:1/a?schema=s&sslmode=require', 'postgres')).toBe('postgresql://u:p@h:1/postgres?sslmode=require');
    expect(driverUrl('postgresql://h/a?schema=s')).toBe('postgresql://h/a');
    expect(driverUrl('postgresql://h/a')).toBe('postgresql://h/a');
  });

  it('double-quotes identifiers', () => {
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
  });
});
