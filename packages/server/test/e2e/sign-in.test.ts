/**
 * Sign-in with real clients: amazon-cognito-identity-js doing SRP and refresh, the AWS SDK doing
 * password flows, aws-jwt-verify accepting the tokens through the pool's JWKS, and revocation.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { databaseKinds } from '../support/postgres.js';
import { failure, idp, rawCall, startTestServer, type TestServer } from '../support/server.js';

function srpSignIn(pool: CognitoUserPool, username: string, password: string): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
    }),
  );
}

function refresh(pool: CognitoUserPool, username: string, session: CognitoUserSession): Promise<CognitoUserSession> {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) => user.refreshSession(session.getRefreshToken(), (err: Error | null, s: CognitoUserSession) => (err ? reject(err) : resolve(s))));
}

for (const kind of databaseKinds) {
  describe(`sign-in, tokens and revocation (${kind})`, () => {
    let server: TestServer;
    let poolId: string;
    let clientId: string;
    let jsPool: CognitoUserPool;

    /** Signs a user up and confirms them with the code from the outbox. */
    async function confirmedUser(username: string, password = 'Corr3ct-Horse!', email = `${username}@example.com`) {
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: password, UserAttributes: [{ Name: 'email', Value: email }] }));
      const sent = await server.running.cognate.outbox.recent(50, poolId);
      const message = sent.find((m) => m.to === email);
      const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
      assert.ok(code, 'the sign-up code is in the outbox');
      await server.anonymous.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: code }));
    }

    before(async () => {
      server = await startTestServer(kind);
      poolId = (await server.admin.send(new CreateUserPoolCommand({ PoolName: 'signin', AutoVerifiedAttributes: ['email'] }))).UserPool!.Id!;
      clientId = (
        await server.admin.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: 'web',
            PreventUserExistenceErrors: 'ENABLED',
            ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          }),
        )
      ).UserPoolClient!.ClientId!;
      jsPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.url + '/' });
      await confirmedUser('alice');
    });
    after(() => server.stop());

    it('amazon-cognito-identity-js signs in with SRP, and aws-jwt-verify accepts both tokens', async () => {
      const session = await srpSignIn(jsPool, 'alice', 'Corr3ct-Horse!');
      assert.ok(session.isValid());
      const jwks = (await (await fetch(`${server.url}/${poolId}/.well-known/jwks.json`)).json()) as { keys: any[] };
      const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
      const accessVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId });
      idVerifier.cacheJwks(jwks);
      accessVerifier.cacheJwks(jwks);
      const id = await idVerifier.verify(session.getIdToken().getJwtToken());
      const access = await accessVerifier.verify(session.getAccessToken().getJwtToken());
      assert.equal(id.iss, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
      assert.equal(id['cognito:username'], 'alice');
      assert.equal(id.email, 'alice@example.com');
      assert.equal(id.email_verified, true);
      assert.equal(id.aud, clientId);
      assert.equal(access.scope, 'aws.cognito.signin.user.admin');
      assert.equal(access.username, 'alice');
      assert.equal((access as Record<string, unknown>).aud, undefined, 'access tokens carry client_id, not aud');
      assert.equal(access.origin_jti, id.origin_jti);
      assert.equal(access.event_id, id.event_id);
      assert.equal(access.exp - access.iat, 3600);
    });

    it('signs in with the username in another case and refreshes with REFRESH_TOKEN_AUTH', async () => {
      const session = await srpSignIn(jsPool, 'ALICE', 'Corr3ct-Horse!');
      server.clock.advance(5000);
      const renewed = await refresh(jsPool, 'ALICE', session);
      assert.notEqual(renewed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
      assert.equal(renewed.getRefreshToken().getToken(), session.getRefreshToken().getToken(), 'the refresh token is kept');
      assert.equal(renewed.getAccessToken().payload.origin_jti, session.getAccessToken().payload.origin_jti);
      assert.equal(renewed.getAccessToken().payload.auth_time, session.getAccessToken().payload.auth_time);
    });

    it('refuses a wrong password over SRP with the generic message, and unknown users alike', async () => {
      const wrong = await srpSignIn(jsPool, 'alice', 'Wrong-Horse-1!').then(() => assert.fail('signed in'), (e: Error & { code?: string }) => e);
      assert.equal(wrong.code, 'NotAuthorizedException');
      assert.equal(wrong.message, 'Incorrect username or password.');
      const unknown = await srpSignIn(jsPool, 'nobody-here', 'Wrong-Horse-1!').then(() => assert.fail('signed in'), (e: Error & { code?: string }) => e);
      assert.equal(unknown.code, 'NotAuthorizedException');
      assert.equal(unknown.message, 'Incorrect username or password.');
    });

    it('gives unknown users a stable fake salt', async () => {
      const salts = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const res = await idp(server.url, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'ghost', SRP_A: 'ab'.repeat(192) } });
        assert.equal(res.status, 200);
        assert.equal(res.json.ChallengeName, 'PASSWORD_VERIFIER');
        salts.add(res.json.ChallengeParameters.SALT);
      }
      assert.equal(salts.size, 1);
    });

    it('USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH issue tokens that GetUser accepts', async () => {
      const user = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }));
      const result = user.AuthenticationResult!;
      assert.equal(result.TokenType, 'Bearer');
      assert.equal(result.ExpiresIn, 3600);
      assert.ok(result.RefreshToken && result.IdToken && result.AccessToken);
      const me = await server.anonymous.send(new GetUserCommand({ AccessToken: result.AccessToken }));
      assert.equal(me.Username, 'alice');
      assert.ok(me.UserAttributes!.some((a) => a.Name === 'email' && a.Value === 'alice@example.com'));

      const admin = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }));
      assert.ok(admin.AuthenticationResult?.AccessToken);
      const badAdmin = await failure(() => server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'nope' } })));
      assert.equal(badAdmin.name, 'NotAuthorizedException');
    });

    it('GetTokensFromRefreshToken refreshes like Amplify does', async () => {
      const first = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }))).AuthenticationResult!;
      const renewed = await server.anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: first.RefreshToken }));
      assert.ok(renewed.AuthenticationResult?.AccessToken);
      assert.equal(renewed.AuthenticationResult?.RefreshToken, undefined);
      const garbage = await failure(() => server.anonymous.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: 'garbage' })));
      assert.equal(garbage.name, 'NotAuthorizedException');
    });

    it('RevokeToken ends the refresh token and its access tokens, leaving other sessions alone', async () => {
      const signIn = () => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }));
      const a = (await signIn()).AuthenticationResult!;
      const b = (await signIn()).AuthenticationResult!;
      await server.anonymous.send(new RevokeTokenCommand({ ClientId: clientId, Token: a.RefreshToken }));
      const getUser = await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: a.AccessToken })));
      assert.equal(getUser.name, 'NotAuthorizedException');
      assert.equal(getUser.message, 'Access Token has been revoked');
      const refreshA = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: a.RefreshToken! } })));
      assert.equal(refreshA.name, 'NotAuthorizedException');
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: b.AccessToken }))).Username, 'alice');
    });

    it('refuses bad GlobalSignOut and RevokeToken input', async () => {
      assert.equal((await failure(() => server.anonymous.send(new GlobalSignOutCommand({ AccessToken: 'not-a-token' })))).name, 'NotAuthorizedException');
      const tokens = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }))).AuthenticationResult!;
      assert.equal((await failure(() => server.anonymous.send(new GlobalSignOutCommand({ AccessToken: tokens.IdToken })))).name, 'NotAuthorizedException', 'an ID token does not sign out');
      assert.equal((await failure(() => server.anonymous.send(new RevokeTokenCommand({ ClientId: clientId, Token: 'garbage' })))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => server.anonymous.send(new RevokeTokenCommand({ ClientId: 'y'.repeat(26), Token: tokens.RefreshToken })))).name, 'ResourceNotFoundException');
      const otherApp = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'other' }))).UserPoolClient!.ClientId!;
      assert.equal((await failure(() => server.anonymous.send(new RevokeTokenCommand({ ClientId: otherApp, Token: tokens.RefreshToken })))).name, 'NotAuthorizedException', "a client can't revoke another client's token");
      const secretApp = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'secret', GenerateSecret: true }))).UserPoolClient!.ClientId!;
      assert.equal((await failure(() => server.anonymous.send(new RevokeTokenCommand({ ClientId: secretApp, Token: tokens.RefreshToken })))).name, 'NotAuthorizedException', 'a client with a secret must send it');
      assert.equal((await server.anonymous.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username, 'alice', 'refused revocations revoke nothing');
    });

    it('GlobalSignOut revokes every session of the user, and amazon-cognito-identity-js refresh then fails', async () => {
      await confirmedUser('bob');
      const session = await srpSignIn(jsPool, 'bob', 'Corr3ct-Horse!');
      const other = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'bob', PASSWORD: 'Corr3ct-Horse!' } }))).AuthenticationResult!;
      await server.anonymous.send(new GlobalSignOutCommand({ AccessToken: other.AccessToken }));
      for (const token of [other.AccessToken!, session.getAccessToken().getJwtToken()]) {
        assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: token })))).name, 'NotAuthorizedException');
      }
      const viaSdk = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: other.RefreshToken! } })));
      assert.equal(viaSdk.name, 'NotAuthorizedException');
      // amazon-cognito-identity-js retries refresh failures with backoff for ~6 s before giving up (protocol.md §1.1).
      const viaJs = await refresh(jsPool, 'bob', session).then(() => assert.fail('refreshed'), (e: Error & { code?: string }) => e);
      assert.equal(viaJs.code, 'NotAuthorizedException');
    });

    it('refuses expired access tokens and tampered tokens', async () => {
      const result = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } }))).AuthenticationResult!;
      const [h, p, s] = result.AccessToken!.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, username: 'admin' })).toString('base64url')}.${s}`;
      assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: forged })))).message, 'Invalid Access Token');
      assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: result.IdToken })))).message, 'Invalid Access Token', 'an ID token is not an access token');
      assert.equal((await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: 'a.b.c' })))).name, 'NotAuthorizedException');
      server.clock.advance(3601_000);
      try {
        const expired = await failure(() => server.anonymous.send(new GetUserCommand({ AccessToken: result.AccessToken })));
        assert.equal(expired.message, 'Access Token has expired');
      } finally {
        server.clock.advance(-3601_000);
      }
    });

    it('unconfirmed users are told so only after a correct password', async () => {
      await server.anonymous.send(new SignUpCommand({ ClientId: clientId, Username: 'unconfirmed', Password: 'Corr3ct-Horse!', UserAttributes: [{ Name: 'email', Value: 'u@example.com' }] }));
      const wrong = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'unconfirmed', PASSWORD: 'Wrong-Horse-1!' } })));
      assert.equal(wrong.name, 'NotAuthorizedException');
      const right = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'unconfirmed', PASSWORD: 'Corr3ct-Horse!' } })));
      assert.equal(right.name, 'UserNotConfirmedException');
    });

    it('locks an account after five wrong passwords, on every sign-in path', async () => {
      await confirmedUser('carol');
      const attempt = (password: string) => failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'carol', PASSWORD: password } })));
      for (let i = 0; i < 5; i++) assert.equal((await attempt('Wrong-Horse-1!')).message, 'Incorrect username or password.');
      // Locked: this client sets PreventUserExistenceErrors ENABLED, so the right password is refused
      // with the answer a wrong one (or an unknown name) gets, on both flows (LEGACY: enumeration.test.ts).
      const locked = await attempt('Corr3ct-Horse!');
      assert.deepEqual({ name: locked.name, message: locked.message }, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      const srp = await srpSignIn(jsPool, 'carol', 'Corr3ct-Horse!').then(() => assert.fail('signed in'), (e: Error) => e);
      assert.deepEqual({ name: srp.name, message: srp.message }, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      server.clock.advance(2000);
      const ok = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'carol', PASSWORD: 'Corr3ct-Horse!' } }));
      assert.ok(ok.AuthenticationResult?.AccessToken, 'the first lock lasts one second');
    });

    it('refuses bad InitiateAuth and RespondToAuthChallenge input', async () => {
      const cases: [string, string, unknown][] = [
        ['unknown flow', 'InvalidParameterException', { AuthFlow: 'MAGIC', ClientId: clientId, AuthParameters: {} }],
        ['admin flow on the public API', 'InvalidParameterException', { AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'x' } }],
        ['missing USERNAME', 'InvalidParameterException', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { PASSWORD: 'x' } }],
        ['missing SRP_A', 'InvalidParameterException', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice' } }],
        ['SRP_A = 0', 'InvalidParameterException', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', SRP_A: '00' } }],
        ['SRP_A not hex', 'InvalidParameterException', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', SRP_A: 'xyz' } }],
        ['unknown client', 'ResourceNotFoundException', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'q'.repeat(26), AuthParameters: { USERNAME: 'alice', PASSWORD: 'x' } }],
        ['AuthParameters value not a string', 'SerializationException', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 5 } }],
      ];
      for (const [what, type, body] of cases) {
        const res = await idp(server.url, 'InitiateAuth', body);
        assert.equal(res.status, 400, what);
        assert.equal(res.json.__type, type, what);
      }
      const forged = await idp(server.url, 'RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeResponses: { USERNAME: 'alice', PASSWORD_CLAIM_SECRET_BLOCK: Buffer.alloc(64).toString('base64'), PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'), TIMESTAMP: 'Tue Nov 3 09:05:07 UTC 2026' },
      });
      assert.equal(forged.status, 400);
      assert.equal(forged.json.__type, 'NotAuthorizedException');
      const badName = await idp(server.url, 'RespondToAuthChallenge', { ClientId: clientId, ChallengeName: 'NOPE', ChallengeResponses: {} });
      assert.equal(badName.json.__type, 'InvalidParameterException');
    });

    it('a SRP secret block expires with the auth session (3 minutes)', async () => {
      const user = new CognitoUser({ Username: 'alice', Pool: jsPool });
      // Hold the PASSWORD_VERIFIER step until the session has expired.
      const start = await idp(server.url, 'InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 'alice', SRP_A: 'ab'.repeat(192) } });
      server.clock.advance(3 * 60_000 + 1000);
      try {
        const late = await idp(server.url, 'RespondToAuthChallenge', {
          ClientId: clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          ChallengeResponses: { USERNAME: 'alice', PASSWORD_CLAIM_SECRET_BLOCK: start.json.ChallengeParameters.SECRET_BLOCK, PASSWORD_CLAIM_SIGNATURE: Buffer.alloc(32).toString('base64'), TIMESTAMP: 'Tue Nov 3 09:05:07 UTC 2026' },
        });
        assert.equal(late.json.__type, 'NotAuthorizedException');
        assert.equal(late.json.message, 'Invalid session for the user.');
      } finally {
        server.clock.advance(-(3 * 60_000 + 1000));
      }
      void user;
    });

    it('a proven PASSWORD_VERIFIER answer is spent: replaying it signs no one in', async () => {
      // Capture amazon-cognito-identity-js's real answer on its way out.
      let answer: string | undefined;
      const realFetch = globalThis.fetch;
      globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
        const target = new Headers(init?.headers).get('x-amz-target');
        if (target === 'AWSCognitoIdentityProviderService.RespondToAuthChallenge') answer = String(init?.body);
        return realFetch(input, init);
      }) as typeof fetch;
      try {
        await srpSignIn(jsPool, 'alice', 'Corr3ct-Horse!');
      } finally {
        globalThis.fetch = realFetch;
      }
      assert.ok(answer, 'the client answered PASSWORD_VERIFIER');
      const replay = await rawCall(server.url, 'AWSCognitoIdentityProviderService.RespondToAuthChallenge', answer!);
      assert.equal(replay.status, 400);
      assert.deepEqual([replay.json.__type, replay.json.message], ['NotAuthorizedException', 'Invalid session for the user, session can only be used once.']);
    });

    it('requires SECRET_HASH for clients with a secret and accepts the raw secret on refresh', async () => {
      const app = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, PreventUserExistenceErrors: 'ENABLED', ClientName: 'backend', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!;
      const { createHmac } = await import('node:crypto');
      const hash = (u: string) => createHmac('sha256', app.ClientSecret!).update(u + app.ClientId).digest('base64');
      const missing = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: app.ClientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!' } })));
      assert.equal(missing.name, 'NotAuthorizedException');
      const viaAlias = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: app.ClientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!', SECRET_HASH: hash('ALICE') } })));
      assert.equal(viaAlias.name, 'NotAuthorizedException', 'the hash is over the username exactly as sent');
      const ok = (await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: app.ClientId, AuthParameters: { USERNAME: 'alice', PASSWORD: 'Corr3ct-Horse!', SECRET_HASH: hash('alice') } }))).AuthenticationResult!;
      for (const secretHash of [hash('alice'), app.ClientSecret!]) {
        const renewed = await server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: app.ClientId, AuthParameters: { REFRESH_TOKEN: ok.RefreshToken!, SECRET_HASH: secretHash } }));
        assert.ok(renewed.AuthenticationResult?.AccessToken);
      }
      const otherClient = await failure(() => server.anonymous.send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId, AuthParameters: { REFRESH_TOKEN: ok.RefreshToken! } })));
      assert.equal(otherClient.name, 'NotAuthorizedException', "one client's refresh token is useless to another");
    });
  });
}
