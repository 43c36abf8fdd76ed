/**
 * The PreSignedUrl of a user import job: `PUT /import-jobs/<jobId>?token=<sealed>` with the CSV as
 * the body, as Cognito's docs upload it to S3 (`curl -T users.csv -H "x-amz-server-side-encryption:
 * aws:kms" "<PreSignedUrl>"`; the encryption header is accepted and ignored). Answers like S3: 200
 * with an ETag, or an XML `<Error>` with S3's codes.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Cognate } from '../domain/cognate.js';
import { acceptUpload, MAX_CSV_BYTES, type UploadRefusal } from '../domain/import-jobs.js';
import { isTransientStoreError } from '../store/faults.js';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function s3Error(c: Context, status: 400 | 403 | 404 | 503, code: string, message: string, extra: Record<string, string> = {}): Response {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`;
  return c.body(xml, status, { 'content-type': 'application/xml', ...extra });
}

/** How S3 answers each refusal. */
const S3_REFUSALS: Record<UploadRefusal, { status: 400 | 403 | 404; code: string }> = {
  'invalid-token': { status: 403, code: 'AccessDenied' },
  'job-gone': { status: 404, code: 'NoSuchUpload' },
  closed: { status: 403, code: 'AccessDenied' },
  unreadable: { status: 400, code: 'InvalidArgument' },
};

/** Caps the upload at Cognito's 100 MB CSV limit, with S3's EntityTooLarge. */
export const importUploadLimit = bodyLimit({
  maxSize: MAX_CSV_BYTES,
  onError: (c) => s3Error(c, 400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${MAX_CSV_BYTES} bytes.`, { connection: 'close' }),
});

export function importUploadHandler(cognate: Cognate) {
  return async (c: Context): Promise<Response> => {
    const jobId = c.req.param('jobId') ?? '';
    if (!/^import-[0-9a-zA-Z-]{1,48}$/.test(jobId)) return s3Error(c, 404, 'NoSuchKey', 'The specified key does not exist.');
    const body = new Uint8Array(await c.req.arrayBuffer());
    let outcome: Awaited<ReturnType<typeof acceptUpload>>;
    try {
      outcome = await acceptUpload(cognate, jobId, c.req.query('token'), body);
    } catch (e) {
      if (!isTransientStoreError(e)) throw e;
      // A database outage: S3's own retryable answer, which its clients (and curl --retry) retry.
      cognate.log.warn({ err: e, jobId }, 'database unavailable');
      return s3Error(c, 503, 'ServiceUnavailable', 'The service is temporarily unavailable; try again.', { 'retry-after': '1' });
    }
    if (!outcome.ok) {
      const { status, code } = S3_REFUSALS[outcome.reason];
      return s3Error(c, status, code, outcome.message);
    }
    // S3's ETag of a single-part upload: the MD5 of the body, quoted.
    return c.body(null, 200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
  };
}
