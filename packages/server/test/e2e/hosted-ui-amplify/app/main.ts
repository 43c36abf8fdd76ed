/**
 * The app page's script (bundled by esbuild for Chromium, see ../sign-in-with-redirect.test.ts):
 * Amplify JS v6 configured for the hosted UI as an app configures it, with the OAuth listener
 * that completes a redirect sign-in on load. The test drives it through `globalThis.app` and reads
 * the Hub's auth events from `globalThis.events`. Typed without the DOM library: only
 * `globalThis` is touched.
 */
import { Amplify, Hub, defaultStorage, type ResourcesConfig } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { fetchAuthSession, getCurrentUser, signInWithRedirect, signOut } from '@aws-amplify/auth';
import '@aws-amplify/auth/enable-oauth-listener';

interface Page {
  CONFIG: ResourcesConfig;
  events: string[];
  app: Record<string, () => Promise<unknown>>;
}
const page = globalThis as unknown as Page;

page.events = [];
Hub.listen('auth', ({ payload }) => {
  page.events.push(payload.event);
});

const config = page.CONFIG;
cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth!);
cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });

page.app = {
  signInWithRedirect: () => signInWithRedirect(),
  signOut: () => signOut(),
  currentUser: () => getCurrentUser(),
  async session() {
    const s = await fetchAuthSession();
    return { idToken: s.tokens?.idToken?.toString(), accessToken: s.tokens?.accessToken?.toString(), userSub: s.userSub };
  },
};
