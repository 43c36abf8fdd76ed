// The hash @smithy/signature-v4 signs with, for the bench's SigV4-signed requests (raw.mjs, worker.mjs).
import { createHash, createHmac } from 'node:crypto';

/** SHA-256 (or HMAC-SHA256) over node:crypto, in the shape @smithy/signature-v4 wants. */
export class Sha256 {
  constructor(secret) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data) {
    this.h.update(data);
  }
  async digest() {
    return this.h.digest();
  }
  reset() {}
}
