/**
 * The app page's script (bundled by esbuild for Chromium, see ../browser.test.ts): Amplify JS v6
 * configured for the hosted UI with the OAuth listener, signing in with an external provider
 * (`signInWithRedirect({ provider })`). Driven through `globalThis.app`; the Hub's auth events
 * are in `globalThis.events`. Typed without the DOM library: only `globalThis` is touched.
 */
import { Amplify, Hub, defaultStorage, type ResourcesConfig } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { fetchAuthSession, signInWithRedirect, signOut, type SignInWithRedirectInput } from '@aws-amplify/auth';
import '@aws-amplify/auth/enable-oauth-listener';

interface Page {
  CONFIG: ResourcesConfig;
  events: string[];
  app: Record<string, (...args: never[]) => Promise<unknown>>;
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
  signInWithRedirect: (provider: SignInWithRedirectInput['provider']) => signInWithRedirect({ provider }),
  signOut: () => signOut(),
  async session() {
    const s = await fetchAuthSession();
    return { idToken: s.tokens?.idToken?.toString(), accessToken: s.tokens?.accessToken?.toString(), userSub: s.userSub };
  },
};
