import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { startSmtpReceiver, type SmtpReceiver } from './smtp.js';

describe('SMTP receiver', () => {
  let smtp: SmtpReceiver;
  let transport: nodemailer.Transporter;

  before(async () => {
    smtp = await startSmtpReceiver();
    transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
  });
  after(async () => {
    transport.close();
    await smtp.close();
  });

  test('receives a text mail and exposes its subject and code', async () => {
    // The long line and the accents make nodemailer pick quoted-printable,
    // with soft line breaks, so the decoding is exercised.
    const text =
      'Héllo Ålice, your verification code is 482915. ' +
      'This line is deliberately longer than seventy-six characters so it has to be wrapped.';
    await transport.sendMail({
      from: '"Cognate" <no-reply@example.com>',
      to: 'alice@example.com',
      subject: 'Your verification code',
      text,
    });

    const mail = await smtp.waitFor((m) => m.to.includes('alice@example.com'));
    assert.equal(mail.subject, 'Your verification code');
    assert.equal(mail.from, 'no-reply@example.com');
    assert.deepEqual(mail.to, ['alice@example.com']);
    assert.match(mail.headers.from ?? '', /Cognate/);
    assert.match(mail.raw, /quoted-printable/i, 'expected nodemailer to use quoted-printable here');
    assert.equal(mail.text, text);
    assert.equal(/\b(\d{6})\b/.exec(mail.text)?.[1], '482915');
  });

  test('decodes a non-ASCII subject and multipart text + HTML', async () => {
    await transport.sendMail({
      from: 'no-reply@example.com',
      to: ['bob@example.com', 'carol@example.com'],
      subject: 'Code de vérification — 🔐',
      text: 'Votre code : 007531',
      html: '<p>Votre code&nbsp;: <b>007531</b></p>',
    });

    const mail = await smtp.waitFor((m) => m.to.includes('carol@example.com'));
    assert.deepEqual(mail.to, ['bob@example.com', 'carol@example.com']);
    assert.equal(mail.subject, 'Code de vérification — 🔐');
    assert.equal(mail.text, 'Votre code : 007531');
    assert.equal(mail.html, '<p>Votre code&nbsp;: <b>007531</b></p>');
  });

  test('derives text from an HTML-only mail', async () => {
    await transport.sendMail({
      from: 'no-reply@example.com',
      to: 'dave@example.com',
      subject: 'Invitation',
      html: '<p>Username: dave</p><p>Temporary password: <b>Tmp&amp;123456</b></p>',
    });
    const mail = await smtp.waitFor((m) => m.subject === 'Invitation');
    assert.match(mail.text, /Temporary password: Tmp&123456/);
  });

  test('waitFor times out with what did arrive', async () => {
    await assert.rejects(smtp.waitFor((m) => m.to.includes('nobody@example.com'), 200), /within 200 ms.*Your verification code/);
  });
});
