/**
 * Ports: every time goes through the clock, so tests control it (DESIGN.md).
 *
 * Randomness has no port: every random value (ids, codes, salts, SRP secrets, GCM nonces) comes straight from
 * node:crypto's CSPRNG, and no test needs to replace it (a double that could reach crypto/seal.ts would risk a
 * repeated GCM nonce). Math.random only jitters the store's deadlock retry (store/db.ts).
 */

/** A source of the current time. `now()` is milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a test can move: `advance(ms)` jumps forward (or back with a negative value). */
export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** Seconds since the epoch, as Cognito's wire timestamps and JWT claims use them. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
