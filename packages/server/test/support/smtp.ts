// A real SMTP server for the tests: the Cognate server under test sends its
// mails (verification codes, invitations, ...) over SMTP to this receiver, and
// the test reads them back, the way a user would read their inbox.
//
//   const smtp = await startSmtpReceiver();
//   // configure the server with { host: smtp.host, port: smtp.port }
//   const mail = await smtp.waitFor((m) => m.to.includes('alice@example.com'));
//   const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
//   await smtp.close();
//
// No TLS and no authentication, bound to 127.0.0.1 on a free port. The MIME
// parsing is deliberately minimal (enough for what nodemailer produces):
// headers, RFC 2047 encoded words, multipart bodies, quoted-printable and
// base64.

import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope sender (MAIL FROM), a bare address. The header is in headers.from. */
  from: string;
  /** Envelope recipients (RCPT TO), bare addresses. */
  to: string[];
  /** The decoded Subject header. */
  subject: string;
  /**
   * The decoded text/plain body, with \n line endings and without the final
   * line break. For a mail with HTML
   * only, the HTML with its tags removed, so a code can be found either way.
   */
  text: string;
  /** The decoded text/html body, when there is one. */
  html?: string;
  /** Top-level headers, names in lower case, values unfolded (not decoded). */
  headers: Record<string, string>;
  /** The message exactly as received. */
  raw: string;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  /** Every mail received so far, oldest first. */
  messages: ReceivedMail[];
  /**
   * The first mail, received already or from now on, that matches. Rejects
   * after timeoutMs (default 5 s) with the subjects of what did arrive.
   */
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Forgets the mails received so far. */
  clear(): void;
  close(): Promise<void>;
}

interface Waiter {
  predicate: (m: ReceivedMail) => boolean;
  resolve: (m: ReceivedMail) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Listens on `port` (default: any free port; a test may reserve one first and start the receiver later). */
export async function startSmtpReceiver(port = 0): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<Waiter>();

  const deliver = (mail: ReceivedMail) => {
    messages.push(mail);
    for (const waiter of waiters) {
      let matches: boolean;
      try {
        matches = waiter.predicate(mail);
      } catch (err) {
        settle(waiter);
        waiter.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (matches) {
        settle(waiter);
        waiter.resolve(mail);
      }
    }
  };
  const settle = (waiter: Waiter) => {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
  };

  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    // A client that keeps its connection open (a pooled transport) would
    // otherwise hold close() up for the default 30 seconds.
    closeTimeout: 250,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { mailFrom, rcptTo } = session.envelope;
        let mail: ReceivedMail;
        try {
          mail = parseMail(raw, mailFrom ? mailFrom.address : '', rcptTo.map((r) => r.address));
        } catch (err) {
          callback(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        // Record the mail before acknowledging it: once the sender's
        // sendMail() resolves, the mail is in `messages`.
        deliver(mail);
        callback();
      });
    },
  });
  // Without a listener, a client resetting its connection would crash the test process.
  server.on('error', () => {});

  const bound = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.server.off('error', onError);
      const address = server.server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('The SMTP receiver has no TCP address.'));
    });
  });

  return {
    host: '127.0.0.1',
    port: bound,
    messages,
    waitFor(predicate, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<ReceivedMail>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const seen = messages.map((m) => `${JSON.stringify(m.subject)} to ${m.to.join(', ')}`);
            reject(
              new Error(
                `No matching mail arrived within ${timeoutMs} ms. ` +
                  (seen.length ? `Received: ${seen.join('; ')}.` : 'None arrived at all.'),
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    clear() {
      messages.length = 0;
    },
    close() {
      for (const waiter of waiters) {
        settle(waiter);
        waiter.reject(new Error('The SMTP receiver was closed.'));
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------
// Minimal MIME parsing

interface Part {
  headers: Record<string, string>;
  body: string;
}

export function parseMail(raw: string, from: string, to: string[]): ReceivedMail {
  const top = splitPart(raw);
  const found: { text?: string; html?: string } = {};
  collectBodies(top, found);
  const html = found.html;
  const text = found.text ?? (html !== undefined ? htmlToText(html) : '');
  return {
    from,
    to,
    subject: decodeEncodedWords(top.headers.subject ?? ''),
    text,
    ...(html !== undefined ? { html } : {}),
    headers: top.headers,
    raw,
  };
}

/** Headers and body of a message or body part. */
function splitPart(source: string): Part {
  const match = /\r?\n\r?\n/.exec(source);
  const head = match ? source.slice(0, match.index) : source;
  const body = match ? source.slice(match.index + match[0].length) : '';
  const headers: Record<string, string> = {};
  // Unfold: a line starting with white space continues the previous header.
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] ??= line.slice(colon + 1).trim();
  }
  return { headers, body };
}

/** Finds the first text/plain and the first text/html body, depth first. */
function collectBodies(part: Part, found: { text?: string; html?: string }): void {
  const contentType = part.headers['content-type'] ?? 'text/plain';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  const disposition = (part.headers['content-disposition'] ?? '').toLowerCase();
  if (mediaType.startsWith('multipart/')) {
    const boundary = parameter(contentType, 'boundary');
    if (!boundary) return;
    // The line break before a delimiter belongs to the delimiter.
    const delimiter = new RegExp(`(?:^|\\r?\\n)--${escapeRegExp(boundary)}(--)?[ \\t]*(?:\\r?\\n|$)`);
    const pieces = part.body.split(delimiter);
    // split() with capture groups interleaves the captured "--"; keep the text
    // between the first delimiter and the closing one.
    const bodies: string[] = [];
    for (let i = 2; i < pieces.length; i += 2) {
      if (pieces[i - 1] === '--') break;
      bodies.push(pieces[i]!);
    }
    for (const body of bodies) collectBodies(splitPart(body), found);
    return;
  }
  if (disposition.startsWith('attachment')) return;
  if (mediaType === 'text/plain' && found.text === undefined) found.text = decodeBody(part);
  else if (mediaType === 'text/html' && found.html === undefined) found.html = decodeBody(part);
}

function decodeBody(part: Part): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').trim().toLowerCase();
  const charset = parameter(part.headers['content-type'] ?? '', 'charset') ?? 'utf-8';
  let text: string;
  if (encoding === 'quoted-printable') text = decodeCharset(decodeQuotedPrintable(part.body), charset);
  else if (encoding === 'base64') text = decodeCharset(Buffer.from(part.body, 'base64'), charset);
  else text = part.body; // 7bit/8bit: raw was already read as UTF-8
  // The line break that ends the last line is transport framing (nodemailer
  // always adds one), not text the sender wrote.
  return text.replace(/\r\n/g, '\n').replace(/\n$/, '');
}

/** Quoted-printable to bytes: `=` at a line end is a soft break, `=XX` a byte. */
function decodeQuotedPrintable(body: string): Buffer {
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** RFC 2047 encoded words (=?charset?B|Q?...?=), as in a non-ASCII Subject. */
function decodeEncodedWords(value: string): string {
  const word = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;
  // White space between two adjacent encoded words is not part of the text.
  const joined = value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(word, (_, charset: string, kind: string, data: string) => {
    const bytes =
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : decodeQuotedPrintable(data.replace(/_/g, ' '));
    return decodeCharset(bytes, charset);
  });
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8'); // unknown charset label
  }
}

function parameter(headerValue: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(headerValue);
  return match ? (match[1] ?? match[2]) : undefined;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
