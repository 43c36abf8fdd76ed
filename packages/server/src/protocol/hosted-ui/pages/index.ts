/**
 * Every hosted-UI page module. A new page is a file in this folder exporting a `HostedPage`, and one
 * entry here (README.md beside routes.ts).
 */
import type { HostedPage } from '../page.js';
import { errorPage } from './error.js';
import { signInPages } from './sign-in.js';
import { logoutPage } from './logout.js';
import { signUpPages } from './sign-up.js';
import { forgotPasswordPages } from './forgot-password.js';
import { uiLogoPage } from './ui-logo.js';
import { passkeyAddPage } from './passwordless-add.js';
import { idpResponsePage } from '../../oauth/idpresponse.js';
import { samlPages } from '../../saml/pages.js';

export const PAGES: readonly HostedPage[] = [signInPages, signUpPages, forgotPasswordPages, logoutPage, errorPage, uiLogoPage, passkeyAddPage, idpResponsePage, samlPages];
