/**
 * The console-ops pages (identity pools, triggers, signing keys, outbox, token inspector, metrics):
 * one line each. Kept apart from index.ts so the two lists grow without touching each other.
 */
import type { ConsolePage } from '../kit.js';
import { identityPoolsPage } from './ops-identity-pools.js';
import { rolesPage } from './ops-roles.js';
import { triggersPage } from './ops-triggers.js';
import { signingKeysPage } from './ops-keys.js';
import { outboxPage } from './ops-outbox.js';
import { tokenInspectorPage } from './ops-token-inspector.js';
import { metricsPage } from './ops-metrics.js';

export const OPS_PAGES: readonly ConsolePage[] = [
  identityPoolsPage,
  rolesPage,
  triggersPage,
  signingKeysPage,
  outboxPage,
  tokenInspectorPage,
  metricsPage,
];
