/**
 * Ports: every time and random value goes through these, so tests control them (DESIGN.md).
 */
import { randomBytes, randomInt } from 'node:crypto';

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

/** A source of randomness. Production uses the CSPRNG; nothing in Cognate uses Math.random. */
export interface Random {
  bytes(n: number): Buffer;
  /** A uniformly random integer in [min, max). */
  int(min: number, max: number): number;
}

export const cryptoRandom: Random = {
  bytes: (n) => randomBytes(n),
  int: (min, max) => randomInt(min, max),
};

/** Seconds since the epoch, as Cognito's wire timestamps and JWT claims use them. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
