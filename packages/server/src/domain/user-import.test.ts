import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2Sync, scryptSync } from 'node:crypto';
import { parseImportedHash, verifyImportedHash } from './imported-passwords.js';
import { detectFormat, ImportFileError, jsonLinesRows, parseCsvRecords } from './user-import.js';

describe('CSV records', () => {
  it('reads RFC 4180 quoting, Cognito’s \\, escape, CRLF and a byte-order mark', () => {
    const text = '\ufeffa,b,c\r\n"x, ""y""",z\\,w,\n\n"multi\nline",,last';
    assert.deepEqual(parseCsvRecords(text), [
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, "y"', 'z,w', ''] },
      { line: 4, fields: ['multi\nline', '', 'last'] },
    ]);
    // A backslash before anything else, or inside quotes, is kept.
    assert.deepEqual(parseCsvRecords('a\\b,"c\\,d"'), [{ line: 1, fields: ['a\\b', 'c\\,d'] }]);
  });

  it('refuses an unclosed quote and text after a closing quote, naming the line', () => {
    assert.throws(() => parseCsvRecords('a\n"open,b\nc'), (e: unknown) => e instanceof ImportFileError && e.message === 'line 2: a quoted field is never closed');
    assert.throws(() => parseCsvRecords('"a"b,c'), (e: unknown) => e instanceof ImportFileError && /line 1: unexpected text after a closing quote/.test(e.message));
  });
});

describe('JSON lines', () => {
  it('reads users and rejects what is not one, by line', () => {
    const { rows, rejected } = jsonLinesRows('{"username":"a","attributes":{"email_verified":true,"custom:n":3}}\n\n[1]\n{"username":5}\n{"username":"b","attributes":{"x":null}}');
    assert.deepEqual(rows, [{ line: 1, username: 'a', attributes: [{ Name: 'email_verified', Value: 'true' }, { Name: 'custom:n', Value: '3' }] }]);
    assert.deepEqual(
      rejected.map((r) => r.line),
      [3, 4, 5],
    );
  });

  it('tells the format from the name, else from the content', () => {
    assert.equal(detectFormat('users.CSV', '{'), 'csv');
    assert.equal(detectFormat('users.ndjson', 'a,b'), 'jsonl');
    assert.equal(detectFormat('users.txt', '\ufeff  {"username":"a"}'), 'jsonl');
    assert.equal(detectFormat('users', 'cognito:username'), 'csv');
  });
});

describe('imported password hashes', () => {
  const all = { bcrypt: true };
  it('accepts the documented forms', () => {
    const salt = Buffer.from('0123456789abcdef');
    const scrypt = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${scryptSync('pw', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')}`;
    assert.deepEqual(Object.keys(parseImportedHash(scrypt, all)), ['hash'], 'padding is optional');
    assert.ok('hash' in parseImportedHash('$2y$12$' + 'a'.repeat(53), all));
    assert.ok('hash' in parseImportedHash('$pbkdf2$1000$' + 'c2FsdHNhbHQ' + '$' + 'a'.repeat(27), all), "passlib's $pbkdf2$ is SHA-1");
    assert.ok('hash' in parseImportedHash('$argon2id$m=65536,t=3,p=4$c2FsdHNhbHQ$' + 'a'.repeat(43), all), 'v= may be left out (version 16)');
  });

  it('refuses what it cannot verify safely, with the reason', () => {
    const reasons: [string, RegExp][] = [
      ['$2b$10$short', /bad bcrypt hash: expected/],
      ['$2b$31$' + 'a'.repeat(53), /cost 31 is outside 4-16/],
      ['$scrypt$ln=22,r=8,p=1$c2FsdA$' + 'a'.repeat(43), /128·N·r exceeds 256 MiB/],
      ['$scrypt$ln=10,r=8,p=1$$' + 'a'.repeat(43), /bad scrypt hash: expected/],
      ['$scrypt$ln=10,r=8,p=1$c2FsdA$a', /not base64/],
      ['$pbkdf2-md5$i=1000$c2FsdA$' + 'a'.repeat(43), /bad PBKDF2 hash: expected/],
      ['$pbkdf2-sha256$i=99999999$c2FsdA$' + 'a'.repeat(43), /iterations outside/],
      ['$pbkdf2-sha256$i=1000$c2FsdA$YWFhYQ', /shorter than 16 bytes/],
      ['$argon2id$v=20$m=65536,t=3,p=4$c2FsdA$' + 'a'.repeat(43), /version must be 16 or 19/],
      ['$argon2x$v=19$m=65536,t=3,p=4$c2FsdA$' + 'a'.repeat(43), /bad argon2 hash: expected/],
      ['{SSHA}abc', /unrecognised password hash/],
      ['', /unrecognised password hash/],
    ];
    for (const [hash, reason] of reasons) {
      const parsed = parseImportedHash(hash, all);
      assert.ok('reason' in parsed && reason.test(parsed.reason), `${hash}: ${JSON.stringify(parsed)}`);
      if ('reason' in parsed) assert.ok(!parsed.reason.includes(hash) || hash === '', 'reasons never echo the hash');
    }
    assert.deepEqual(parseImportedHash('$2b$10$' + 'a'.repeat(53), { bcrypt: false }), { reason: 'bcrypt support needs @node-rs/bcrypt, which is not installed' });
  });

  it('verifies scrypt and PBKDF2 with node:crypto, and never a different password', async () => {
    const salt = Buffer.from('saltsaltsaltsalt');
    const scrypt = `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${scryptSync('correct horse', salt, 32, { N: 16, r: 8, p: 1 }).toString('base64')}`;
    const pbkdf2 = `$pbkdf2-sha512$i=10$${salt.toString('base64').replace(/\+/g, '.')}$${pbkdf2Sync('correct horse', salt, 10, 64, 'sha512').toString('base64').replace(/\+/g, '.').replace(/=+$/, '')}`;
    for (const stored of [scrypt, pbkdf2]) {
      assert.equal(await verifyImportedHash(stored, 'correct horse'), true, stored);
      assert.equal(await verifyImportedHash(stored, 'correct horsE'), false, stored);
      assert.equal(await verifyImportedHash(stored, ''), false, stored);
    }
    assert.equal(await verifyImportedHash('garbage', 'x'), false);
  });
});
