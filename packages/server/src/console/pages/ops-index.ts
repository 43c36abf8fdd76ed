/**
 * The console-ops pages (identity pools, triggers, signing keys, outbox, token inspector, metrics):
 * one line each. Kept apart from index.ts so the two lists grow without touching each other.
 */
import type { ConsolePage } from '../kit.js';

export const OPS_PAGES: readonly ConsolePage[] = [
];
