/**
 * The brute-force lockout rule (security.md P03, A18, A19), on its own so the lockout repository
 * (store/lockout.ts) writes it as SQL from the same numbers the domain states: after 5 failures
 * the account locks for 2^(n-5) seconds, capped at 15 minutes; the count resets after 15 minutes
 * without failures.
 */
export const FREE_ATTEMPTS = 5;
export const MAX_LOCK_MS = 900_000;
export const RESET_AFTER_MS = 900_000;

/** Lock length after the n-th consecutive failure. */
export const lockMs = (failures: number) => (failures < FREE_ATTEMPTS ? 0 : Math.min(MAX_LOCK_MS, 1000 * 2 ** (failures - FREE_ATTEMPTS)));
