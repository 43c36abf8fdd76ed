/**
 * The console's page registry: one line per page (README.md, "How to add a page"). The console-ops
 * pages are listed in ops-index.ts.
 */
import type { ConsolePage } from '../kit.js';
import { OPS_PAGES } from './ops-index.js';
import { signInPage } from './sign-in.js';
import { homePage } from './home.js';
import { auditPage } from './audit.js';
import { poolsPage } from './pools.js';
import { clientsPage } from './clients.js';
import { usersPage } from './users.js';
import { groupsPage } from './groups.js';
import { domainsPage } from './domains.js';

export const CORE_PAGES: readonly ConsolePage[] = [
  signInPage,
  homePage,
  poolsPage,
  clientsPage,
  usersPage,
  groupsPage,
  domainsPage,
  auditPage,
];

export const PAGES: readonly ConsolePage[] = [...CORE_PAGES, ...OPS_PAGES];
