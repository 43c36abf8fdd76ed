import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issuerFor, loadConfig } from './config.js';

describe('configuration', () => {
  it('has documented defaults', () => {
    const config = loadConfig({}, {});
    assert.equal(config.port, 9229);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.databaseUrl, '');
    assert.equal(config.publicUrl, 'http://localhost:9229');
    assert.equal(config.dataDir, path.resolve('.cognate'));
    assert.equal(config.issuerStyle, 'public-url');
  });

  it('layers defaults < file < environment < flags', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cognate-config-')), 'cognate.json');
    writeFileSync(file, JSON.stringify({ port: 1000, region: 'eu-west-1', logLevel: 'warn' }));
    const fromFile = loadConfig({ config: file }, {});
    assert.equal(fromFile.port, 1000);
    assert.equal(fromFile.region, 'eu-west-1');
    const fromEnv = loadConfig({ config: file }, { PORT: '2000', LOG_LEVEL: 'debug' });
    assert.equal(fromEnv.port, 2000);
    assert.equal(fromEnv.logLevel, 'debug');
    assert.equal(fromEnv.region, 'eu-west-1');
    const fromFlags = loadConfig({ config: file, port: '3000' }, { PORT: '2000' });
    assert.equal(fromFlags.port, 3000);
    assert.equal(fromFlags.publicUrl, 'http://localhost:3000');
  });

  it('refuses invalid values, naming the option', () => {
    assert.throws(() => loadConfig({ port: 'abc' }, {}), /invalid port \(PORT\)/);
    assert.throws(() => loadConfig({}, { COGNATE_REGION: 'mars' }), /invalid region/);
    assert.throws(() => loadConfig({}, { COGNATE_ISSUER_STYLE: 'other' }), /invalid issuerStyle/);
    assert.throws(() => loadConfig({}, { COGNATE_SMTP_SECURE: 'maybe' }), /invalid smtpSecure/);
  });

  it('forms the token issuer in either style', () => {
    assert.equal(issuerFor({ issuerStyle: 'public-url', publicUrl: 'https://id.example.com' }, 'eu-west-1_AbC123xyz'), 'https://id.example.com/eu-west-1_AbC123xyz');
    assert.equal(issuerFor({ issuerStyle: 'aws', publicUrl: 'https://id.example.com' }, 'eu-west-1_AbC123xyz'), 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz');
  });
});
