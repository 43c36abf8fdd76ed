/**
 * The Amplify JS v6 part of the passkeys browser suite (bundled by esbuild as an IIFE and evaluated
 * in a page of the pool's domain, see ../browser.test.ts): Amplify configured with the server as
 * `userPoolEndpoint`, its passkey APIs exposed on `globalThis.amplify`. Typed without the DOM library.
 */
import { Amplify, defaultStorage, type ResourcesConfig } from '@aws-amplify/core';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { associateWebAuthnCredential, deleteWebAuthnCredential, fetchAuthSession, listWebAuthnCredentials, signIn, signOut } from '@aws-amplify/auth';

const page = globalThis as unknown as { amplify: Record<string, (...args: any[]) => Promise<unknown>> };

page.amplify = {
  async configure(config: ResourcesConfig) {
    cognitoUserPoolsTokenProvider.setAuthConfig(config.Auth!);
    cognitoUserPoolsTokenProvider.setKeyValueStorage(defaultStorage);
    Amplify.configure(config, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
  },
  signInWithPassword: (username: string, password: string) => signIn({ username, password, options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
  signInWithPasskey: (username: string) => signIn({ username, options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } }),
  associateWebAuthnCredential: () => associateWebAuthnCredential(),
  listWebAuthnCredentials: () => listWebAuthnCredentials(),
  deleteWebAuthnCredential: (credentialId: string) => deleteWebAuthnCredential({ credentialId }),
  signOut: () => signOut(),
  async session() {
    const s = await fetchAuthSession();
    return { idToken: s.tokens?.idToken?.toString(), userSub: s.userSub };
  },
};
