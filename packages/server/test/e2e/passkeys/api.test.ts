/**
 * Passkeys through the AWS SDK, on SQLite and PostgreSQL: WebAuthnConfiguration in
 * Set/GetUserPoolMfaConfig, StartWebAuthnRegistration → CompleteWebAuthnRegistration with a
 * software authenticator (soft-authenticator.ts), ListWebAuthnCredentials (pagination),
 * DeleteWebAuthnCredential, the credential limit, and the WEB_AUTHN challenge answered through
 * RespondToAuthChallenge, with the attacks named: another user's credential, a replayed assertion,
 * a wrong origin or RP ID, a decreasing sign counter, a reused registration challenge.
 *
 * The challenge comes from InitiateAuth USER_AUTH (PREFERRED_CHALLENGE WEB_AUTHN, or SELECT_CHALLENGE's
 * AvailableChallenges, which list WEB_AUTHN only for a user with a passkey); a passkey skips MFA.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolDomainCommand,
  DeleteWebAuthnCredentialCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  AssociateSoftwareTokenCommand,
  VerifySoftwareTokenCommand,
  SetUserMFAPreferenceCommand,
  ListWebAuthnCredentialsCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  StartWebAuthnRegistrationCommand,
  type UserPoolPolicyType,
} from '@aws-sdk/client-cognito-identity-provider';
import { hasPasskeys } from '../../../src/domain/webauthn/credentials.js';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { totp } from '../../support/mfa.js';
import { claims, newPool, PASSWORD, type Pool } from '../security/helpers.js';
import { SoftAuthenticator } from './soft-authenticator.js';

type CreationOptions = { challenge: string; rp: { id: string; name: string }; user: { id: string; name: string; displayName: string }; excludeCredentials: { id: string }[]; authenticatorSelection: { userVerification: string; residentKey: string }; pubKeyCredParams: { alg: number }[] };
type RequestOptions = { challenge: string; rpId: string; allowCredentials: { id: string; type: string; transports: string[] }[]; userVerification: string; timeout: number };

const PASSKEYS: UserPoolPolicyType = { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } };
const USER_AUTH_CLIENT = { ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] } as const;

for (const kind of databaseKinds) {
  describe(`passkeys through the AWS SDK (${kind})`, () => {
    let server: TestServer;
    let pool: Pool;
    let rpId: string;
    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(server, { Policies: PASSKEYS }, { ...USER_AUTH_CLIENT, ExplicitAuthFlows: [...USER_AUTH_CLIENT.ExplicitAuthFlows] });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: `keys-${kind}` }));
      rpId = `keys-${kind}.auth.us-east-1.localhost`;
    });
    after(() => server?.stop());

    async function newUser(name: string, p: Pool = pool): Promise<{ sub: string; accessToken: string }> {
      const created = await server.admin.send(new AdminCreateUserCommand({ UserPoolId: p.poolId, Username: name, MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: p.poolId, Username: name, Password: PASSWORD, Permanent: true }));
      return { sub: created.User!.Attributes!.find((a) => a.Name === 'sub')!.Value!, accessToken: await accessTokenOf(name, p) };
    }
    async function accessTokenOf(name: string, p: Pool = pool, clientId = p.clientId): Promise<string> {
      const out = await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: name, PASSWORD } }));
      return out.AuthenticationResult!.AccessToken!;
    }
    async function start(accessToken: string): Promise<CreationOptions> {
      return (await server.anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }))).CredentialCreationOptions as CreationOptions;
    }
    async function register(accessToken: string, authenticator = new SoftAuthenticator()): Promise<SoftAuthenticator> {
      const options = await start(accessToken);
      await server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: authenticator.create(options) as never }));
      return authenticator;
    }
    /** InitiateAuth USER_AUTH with PREFERRED_CHALLENGE WEB_AUTHN: the WEB_AUTHN challenge. */
    async function challenge(name: string, p: Pool = pool): Promise<{ session: string; options: RequestOptions }> {
      const out = await server.anonymous.send(new InitiateAuthCommand({ ClientId: p.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: name, PREFERRED_CHALLENGE: 'WEB_AUTHN' } }));
      assert.equal(out.ChallengeName, 'WEB_AUTHN');
      return { session: out.Session!, options: JSON.parse(out.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!) as RequestOptions };
    }
    /** Runs `fn` with the server's clock moved on, then moves it back (signed admin calls follow the real time). */
    async function later<T>(ms: number, fn: () => Promise<T>): Promise<T> {
      const now = server.clock.now();
      server.clock.advance(ms);
      try {
        return await fn();
      } finally {
        server.clock.set(now);
      }
    }
    const answer = (name: string, session: string, credential: unknown, p: Pool = pool) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: p.clientId, ChallengeName: 'WEB_AUTHN' as never, Session: session, ChallengeResponses: { USERNAME: name, CREDENTIAL: JSON.stringify(credential) } }));

    it('GetUserPoolMfaConfig shows the RP ID from the prefix domain, SetUserPoolMfaConfig sets and checks WebAuthnConfiguration', async () => {
      const initial = await server.admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }));
      assert.deepEqual(initial.WebAuthnConfiguration, { RelyingPartyId: rpId, UserVerification: 'preferred', FactorConfiguration: 'SINGLE_FACTOR' });

      const other = await newPool(server, { Policies: PASSKEYS }, { ...USER_AUTH_CLIENT, ExplicitAuthFlows: [...USER_AUTH_CLIENT.ExplicitAuthFlows] });
      const set = await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: other.poolId, WebAuthnConfiguration: { RelyingPartyId: 'app.example.com', UserVerification: 'required', FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' } }));
      assert.deepEqual(set.WebAuthnConfiguration, { RelyingPartyId: 'app.example.com', UserVerification: 'required', FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' });
      // Not named again: kept.
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: other.poolId, SoftwareTokenMfaConfiguration: { Enabled: true }, MfaConfiguration: 'OPTIONAL' }));
      assert.equal((await server.admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: other.poolId }))).WebAuthnConfiguration?.RelyingPartyId, 'app.example.com');

      const bad = (w: Record<string, unknown>, p = other) => failure(() => server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: p.poolId, WebAuthnConfiguration: w as never })));
      assert.equal((await bad({ RelyingPartyId: 'https://app.example.com' })).name, 'InvalidParameterException');
      assert.equal((await bad({ RelyingPartyId: 'app.example.com:443' })).name, 'InvalidParameterException');
      assert.equal((await bad({ RelyingPartyId: 'x'.repeat(128) })).name, 'InvalidParameterException');
      assert.equal((await bad({ UserVerification: 'discouraged' })).name, 'InvalidParameterException');
      assert.equal((await bad({ FactorConfiguration: 'TWO_FACTOR' })).name, 'InvalidParameterException');
      const lite = await newPool(server, { UserPoolTier: 'LITE', Policies: PASSKEYS });
      assert.equal((await bad({ FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' }, lite)).name, 'FeatureUnavailableInTierException');
    });

    it('StartWebAuthnRegistration: CredentialCreationOptions for the user; refused without WEB_AUTHN in the sign-in policy or without an RP ID', async () => {
      const { sub, accessToken } = await newUser('opts');
      const options = await start(accessToken);
      assert.equal(options.rp.id, rpId);
      assert.equal(Buffer.from(options.user.id, 'base64url').toString(), sub);
      assert.equal(options.user.name, 'opts');
      assert.ok(Buffer.from(options.challenge, 'base64url').length >= 16);
      assert.deepEqual(options.pubKeyCredParams.map((p) => p.alg), [-7, -257]);
      assert.equal(options.authenticatorSelection.userVerification, 'preferred');
      assert.equal(options.authenticatorSelection.residentKey, 'required');
      assert.notEqual((await start(accessToken)).challenge, options.challenge, 'a fresh challenge each time');

      const plain = await newPool(server);
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: plain.poolId, Domain: `plain-${kind}` }));
      const p = await newUser('plain', plain);
      assert.equal((await failure(() => start(p.accessToken))).name, 'WebAuthnNotEnabledException');

      const noDomain = await newPool(server, { Policies: PASSKEYS }, { ...USER_AUTH_CLIENT, ExplicitAuthFlows: [...USER_AUTH_CLIENT.ExplicitAuthFlows] });
      const n = await newUser('nodomain', noDomain);
      assert.equal((await failure(() => start(n.accessToken))).name, 'WebAuthnConfigurationMissingException');
      assert.equal((await failure(() => server.anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: 'not-a-token' })))).name, 'NotAuthorizedException');
    });

    it('registers a passkey, lists it as Cognito describes it, pages through several and deletes one', async () => {
      const { accessToken } = await newUser('lister');
      const first = await register(accessToken);
      const listed = await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }));
      assert.equal(listed.Credentials!.length, 1);
      const c = listed.Credentials![0]!;
      assert.equal(c.CredentialId, first.id);
      assert.equal(c.RelyingPartyId, rpId);
      assert.equal(c.AuthenticatorAttachment, 'platform');
      assert.deepEqual(c.AuthenticatorTransports, ['internal']);
      assert.equal(c.FriendlyCredentialName, 'Passkey');
      assert.ok(c.CreatedAt instanceof Date && Math.abs(c.CreatedAt.getTime() - server.clock.now()) < 5_000);

      // The next registration excludes what the user already has.
      assert.deepEqual((await start(accessToken)).excludeCredentials.map((e) => e.id), [first.id]);
      const second = await register(accessToken);
      const third = await register(accessToken);
      const page1 = await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, MaxResults: 2 }));
      assert.equal(page1.Credentials!.length, 2);
      assert.ok(page1.NextToken);
      const page2 = await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, MaxResults: 2, NextToken: page1.NextToken }));
      assert.equal(page2.Credentials!.length, 1);
      assert.equal(page2.NextToken, undefined);
      assert.deepEqual(new Set([...page1.Credentials!, ...page2.Credentials!].map((x) => x.CredentialId)), new Set([first.id, second.id, third.id]));
      assert.equal((await failure(() => server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, MaxResults: 21 })))).name, 'InvalidParameterException');
      assert.equal((await failure(() => server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, NextToken: 'forged' })))).name, 'InvalidParameterException');

      // Another user can neither see nor delete them.
      const other = await newUser('not-lister');
      assert.deepEqual((await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: other.accessToken }))).Credentials, []);
      const stolen = await failure(() => server.anonymous.send(new DeleteWebAuthnCredentialCommand({ AccessToken: other.accessToken, CredentialId: first.id })));
      assert.equal(stolen.name, 'ResourceNotFoundException');

      await server.anonymous.send(new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: second.id }));
      const left = (await server.anonymous.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }))).Credentials!.map((x) => x.CredentialId);
      assert.deepEqual(new Set(left), new Set([first.id, third.id]));
      assert.equal((await failure(() => server.anonymous.send(new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: second.id })))).name, 'ResourceNotFoundException');
    });

    it('a user may register at most 20 passkeys (LimitExceededException)', async () => {
      const { accessToken } = await newUser('collector');
      for (let i = 0; i < 20; i++) await register(accessToken);
      assert.equal((await failure(() => start(accessToken))).name, 'LimitExceededException');
    });

    it('registration attacks: a reused challenge, another user\'s challenge, another client\'s token, a wrong origin or RP ID, no user verification where required', async () => {
      const { accessToken } = await newUser('reg-attacks');
      const options = await start(accessToken);
      const authenticator = new SoftAuthenticator();
      const credential = authenticator.create(options);
      await server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }));
      const complete = (cred: unknown, token = accessToken) => failure(() => server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: token, Credential: cred as never })));
      // Registration challenge reused: the same answer, and another authenticator's answer to it.
      assert.equal((await complete(credential)).name, 'WebAuthnChallengeNotFoundException');
      assert.equal((await complete(new SoftAuthenticator().create(options))).name, 'WebAuthnChallengeNotFoundException');

      // Another user's challenge.
      const mallory = await newUser('reg-mallory');
      assert.equal((await complete(new SoftAuthenticator().create(await start(accessToken)), mallory.accessToken)).name, 'WebAuthnChallengeNotFoundException');
      // A token of another app client of the pool than the one that started.
      const otherClient = (await server.admin.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: 'other', ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
      const otherToken = await accessTokenOf('reg-attacks', pool, otherClient);
      assert.equal((await complete(new SoftAuthenticator().create(await start(accessToken)), otherToken)).name, 'WebAuthnClientMismatchException');
      // Wrong origin, wrong RP ID, a forged challenge.
      assert.equal((await complete(new SoftAuthenticator().create(await start(accessToken), { origin: 'https://evil.example.com' }))).name, 'WebAuthnOriginNotAllowedException');
      assert.equal((await complete(new SoftAuthenticator().create(await start(accessToken), { origin: `https://${rpId}.evil.example.com` }))).name, 'WebAuthnOriginNotAllowedException');
      assert.equal((await complete(new SoftAuthenticator().create(await start(accessToken), { rpId: 'evil.example.com' }))).name, 'WebAuthnRelyingPartyMismatchException');
      assert.equal((await complete(new SoftAuthenticator().create(await start(accessToken), { challenge: Buffer.alloc(64, 1).toString('base64url') }))).name, 'WebAuthnChallengeNotFoundException');
      // Expired: the challenge lives five minutes.
      const late = await start(accessToken);
      assert.equal((await later(5 * 60_000 + 1, () => complete(new SoftAuthenticator().create(late)))).name, 'WebAuthnChallengeNotFoundException');
      // Malformed input.
      assert.equal((await complete({ id: 'x' })).name, 'InvalidParameterException');
      assert.equal((await complete('a string')).name, 'InvalidParameterException');

      const strict = await newPool(server, { Policies: PASSKEYS }, { ...USER_AUTH_CLIENT, ExplicitAuthFlows: [...USER_AUTH_CLIENT.ExplicitAuthFlows] });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: strict.poolId, Domain: `strict-${kind}` }));
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: strict.poolId, WebAuthnConfiguration: { UserVerification: 'required' } }));
      const s = await newUser('strict', strict);
      const strictOptions = await start(s.accessToken);
      assert.equal(strictOptions.authenticatorSelection.userVerification, 'required');
      const noUv = await failure(() => server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: s.accessToken, Credential: new SoftAuthenticator().create(strictOptions, { uv: false }) as never })));
      assert.equal(noUv.name, 'WebAuthnCredentialNotSupportedException');
    });

    it('signs in with a passkey: WEB_AUTHN with CREDENTIAL_REQUEST_OPTIONS, answered with the assertion, tokens for the user', async () => {
      const { sub, accessToken } = await newUser('signer');
      const authenticator = await register(accessToken);
      const { session, options } = await challenge('signer');
      assert.equal(options.rpId, rpId);
      assert.deepEqual(options.allowCredentials, [{ type: 'public-key', id: authenticator.id, transports: ['internal'] }]);
      assert.equal(options.userVerification, 'preferred');
      const out = await answer('signer', session, authenticator.get(options));
      assert.ok(out.AuthenticationResult?.AccessToken);
      assert.equal(claims(out.AuthenticationResult!.IdToken!).sub, sub);
      // Again, with the counter moving on.
      const next = await challenge('signer');
      assert.ok((await answer('signer', next.session, authenticator.get(next.options))).AuthenticationResult?.IdToken);
    });

    it('P01: where existence is hidden, a name that matches no one gets a stable, plausible choice, sometimes with WEB_AUTHN, whose decoy challenge looks real and refuses every answer', async () => {
      const { accessToken } = await newUser('ghost-pk');
      const key = await register(accessToken);
      const select = async (name: string) => (await server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: name } }))).AvailableChallenges;
      const lists = new Map<string, string[]>();
      for (let i = 0; i < 24; i++) lists.set(`ghost-${i}`, (await select(`ghost-${i}`))!);
      for (const [name, list] of [...lists].slice(0, 4)) assert.deepEqual(await select(name), list, 'the same list every time');
      assert.deepEqual((await select('ghost-pk'))!, ['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
      const ghost = [...lists].find(([, l]) => l.includes('WEB_AUTHN'))?.[0];
      assert.ok(ghost, 'some unknown names are offered WEB_AUTHN, as users with a passkey are');
      assert.ok([...lists.values()].some((l) => !l.includes('WEB_AUTHN')), 'and some are not');

      const real = await challenge('ghost-pk');
      const decoy = await challenge(ghost);
      assert.deepEqual(Object.keys(decoy.options).sort(), Object.keys(real.options).sort());
      assert.equal(decoy.options.rpId, real.options.rpId);
      assert.equal(decoy.options.userVerification, real.options.userVerification);
      assert.equal(decoy.options.allowCredentials[0]!.id.length, 43);
      assert.deepEqual((await challenge(ghost)).options.allowCredentials, decoy.options.allowCredentials, 'the same decoy credentials every time');
      assert.ok(Math.abs(decoy.session.length - real.session.length) <= 8, 'Sessions of like length');
      const refusedDecoy = await failure(() => answer(ghost, decoy.session, key.get(decoy.options)));
      const refusedReal = await failure(() => answer('ghost-pk', real.session, new SoftAuthenticator().get(real.options)));
      assert.deepEqual(refusedDecoy, refusedReal);
      assert.deepEqual(refusedDecoy, { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    });

    it('WEB_AUTHN attacks: another user\'s credential, a replayed assertion, a wrong origin or RP ID, a decreasing sign counter', async () => {
      const alice = await newUser('alice-pk');
      const bob = await newUser('bob-pk');
      const aliceKey = await register(alice.accessToken);
      const bobKey = await register(bob.accessToken);

      // Another user's credential: Bob's passkey answering Alice's challenge.
      let c = await challenge('alice-pk');
      const foreign = await failure(() => answer('alice-pk', c.session, bobKey.get(c.options)));
      assert.equal(foreign.name, 'NotAuthorizedException');

      // A replayed assertion: the same Session and answer twice, and the answer with a fresh Session.
      c = await challenge('alice-pk');
      const assertion = aliceKey.get(c.options);
      assert.ok((await answer('alice-pk', c.session, assertion)).AuthenticationResult);
      assert.deepEqual(await failure(() => answer('alice-pk', c.session, assertion)), { name: 'NotAuthorizedException', message: 'Invalid session for the user, session can only be used once.' });
      const fresh = await challenge('alice-pk');
      assert.equal((await failure(() => answer('alice-pk', fresh.session, assertion))).name, 'NotAuthorizedException');

      // Wrong origin and wrong RP ID.
      c = await challenge('alice-pk');
      assert.equal((await failure(() => answer('alice-pk', c.session, aliceKey.get(c.options, { origin: 'https://evil.example.com' })))).name, 'WebAuthnOriginNotAllowedException');
      c = await challenge('alice-pk');
      assert.equal((await failure(() => answer('alice-pk', c.session, aliceKey.get(c.options, { rpId: 'evil.example.com' })))).name, 'WebAuthnRelyingPartyMismatchException');

      // A decreasing (or repeated) sign counter: a cloned authenticator.
      c = await challenge('alice-pk');
      assert.ok((await answer('alice-pk', c.session, aliceKey.get(c.options, { counter: 50 }))).AuthenticationResult);
      for (const counter of [49, 50]) {
        c = await challenge('alice-pk');
        const cloned = await failure(() => answer('alice-pk', c.session, aliceKey.get(c.options, { counter })));
        assert.equal(cloned.name, 'NotAuthorizedException', `counter ${counter}`);
        assert.match(cloned.message, /counter/);
      }
      // A forged signature hears the generic refusal, whatever its counter: the counter is judged only for signed assertions.
      c = await challenge('alice-pk');
      const forged = aliceKey.get(c.options, { counter: 1 });
      forged.response.signature = Buffer.from(forged.response.signature, 'base64url').fill(1, 10, 20).toString('base64url');
      assert.deepEqual(await failure(() => answer('alice-pk', c.session, forged)), { name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
      c = await challenge('alice-pk');
      assert.ok((await answer('alice-pk', c.session, aliceKey.get(c.options, { counter: 51 }))).AuthenticationResult, 'the real authenticator goes on');

      // A Session of another user named with this user's name, and a forged Session.
      c = await challenge('bob-pk');
      assert.equal((await failure(() => answer('alice-pk', c.session, aliceKey.get(c.options)))).name, 'NotAuthorizedException');
      assert.equal((await failure(() => answer('alice-pk', Buffer.alloc(120, 7).toString('base64'), aliceKey.get(c.options)))).name, 'NotAuthorizedException');
      // An expired Session.
      c = await challenge('alice-pk');
      assert.equal((await later(3 * 60_000 + 1, () => failure(() => answer('alice-pk', c.session, aliceKey.get(c.options))))).message, 'Invalid session for the user, session is expired.');
      // Malformed CREDENTIAL.
      c = await challenge('alice-pk');
      const junk = await failure(() => server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'WEB_AUTHN' as never, Session: c.session, ChallengeResponses: { USERNAME: 'alice-pk', CREDENTIAL: '{not json' } })));
      assert.equal(junk.name, 'InvalidParameterException');
    });

    it('user verification required: an assertion without it is refused', async () => {
      const strict = await newPool(server, { Policies: PASSKEYS }, { ...USER_AUTH_CLIENT, ExplicitAuthFlows: [...USER_AUTH_CLIENT.ExplicitAuthFlows] });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: strict.poolId, Domain: `uv-${kind}` }));
      const u = await newUser('uv', strict);
      const key = await register(u.accessToken);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: strict.poolId, WebAuthnConfiguration: { UserVerification: 'required' } }));
      const c = await challenge('uv', strict);
      assert.equal(c.options.userVerification, 'required');
      assert.equal((await failure(() => answer('uv', c.session, key.get(c.options, { uv: false }), strict))).name, 'NotAuthorizedException');
      const ok = await challenge('uv', strict);
      assert.ok((await answer('uv', ok.session, key.get(ok.options), strict)).AuthenticationResult);
    });

    it('USER_AUTH offers WEB_AUTHN only to a user with a passkey; SELECT_CHALLENGE answered with WEB_AUTHN; a passkey skips MFA', async () => {
      const { accessToken } = await newUser('chooser');
      const select = () => server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'chooser' } }));
      assert.deepEqual((await select()).AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP']);
      // Preferring WEB_AUTHN without a passkey: the choice instead.
      const noPasskey = await server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'chooser', PREFERRED_CHALLENGE: 'WEB_AUTHN' } }));
      assert.equal(noPasskey.ChallengeName, 'SELECT_CHALLENGE');

      // The user has TOTP MFA in a pool where MFA is optional: a password sign-in asks for it, a passkey doesn't.
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
      await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!, server.clock.now()) }));
      await server.anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
      const key = await register(accessToken);
      assert.deepEqual((await select()).AvailableChallenges, ['PASSWORD', 'PASSWORD_SRP', 'WEB_AUTHN']);
      const password = await server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME: 'chooser', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD } }));
      assert.equal(password.ChallengeName, 'SOFTWARE_TOKEN_MFA');

      const chosen = await select();
      const web = await server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'SELECT_CHALLENGE', Session: chosen.Session, ChallengeResponses: { USERNAME: 'chooser', ANSWER: 'WEB_AUTHN' } }));
      assert.equal(web.ChallengeName, 'WEB_AUTHN');
      const options = JSON.parse(web.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!) as RequestOptions;
      const out = await answer('chooser', web.Session!, key.get(options));
      assert.ok(out.AuthenticationResult?.AccessToken, 'tokens, no MFA');
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: 'OFF' }));
    });

    it('passkey MFA (WebAuthnMfaSettings): needs MULTI_FACTOR_WITH_USER_VERIFICATION and another MFA method; then the user\'s passkey must verify them and stands for both factors where MFA is required', async () => {
      const strict = await newPool(server, { Policies: PASSKEYS }, { ...USER_AUTH_CLIENT, ExplicitAuthFlows: [...USER_AUTH_CLIENT.ExplicitAuthFlows] });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: strict.poolId, Domain: `mfa-${kind}` }));
      const u = await newUser('mfa-pk', strict);
      const key = await register(u.accessToken);
      const setPasskeyMfa = (Enabled: boolean) => server.anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: u.accessToken, WebAuthnMfaSettings: { Enabled } }));
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: strict.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }));
      assert.equal((await failure(() => setPasskeyMfa(true))).name, 'InvalidParameterException', 'SINGLE_FACTOR: no passkey MFA');

      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: strict.poolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true }, WebAuthnConfiguration: { FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' } }));
      const refused = await failure(() => setPasskeyMfa(true));
      assert.equal(refused.name, 'InvalidParameterException', 'no other MFA method: refused, so the user keeps a way in');
      assert.match(refused.message, /another MFA method/);
      // Without passkey MFA, an optional-MFA pool takes a passkey without user verification.
      let c = await challenge('mfa-pk', strict);
      assert.equal(c.options.userVerification, 'preferred');
      assert.ok((await answer('mfa-pk', c.session, key.get(c.options, { uv: false }), strict)).AuthenticationResult?.IdToken);

      const { SecretCode } = await server.anonymous.send(new AssociateSoftwareTokenCommand({ AccessToken: u.accessToken }));
      await server.anonymous.send(new VerifySoftwareTokenCommand({ AccessToken: u.accessToken, UserCode: totp(SecretCode!, server.clock.now()) }));
      await server.anonymous.send(new SetUserMFAPreferenceCommand({ AccessToken: u.accessToken, SoftwareTokenMfaSettings: { Enabled: true }, WebAuthnMfaSettings: { Enabled: true } }));
      c = await challenge('mfa-pk', strict);
      assert.equal(c.options.userVerification, 'required', 'passkey MFA on: the user must verify themselves');
      assert.equal((await failure(() => answer('mfa-pk', c.session, key.get(c.options, { uv: false }), strict))).name, 'NotAuthorizedException');

      // Required MFA: the passkey (with user verification) stands for both factors for this user only.
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: strict.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, WebAuthnConfiguration: { FactorConfiguration: 'MULTI_FACTOR_WITH_USER_VERIFICATION' } }));
      c = await challenge('mfa-pk', strict);
      const signedIn = await answer('mfa-pk', c.session, key.get(c.options), strict);
      assert.ok(signedIn.AuthenticationResult?.IdToken, 'tokens, no MFA challenge after the passkey');
      await setPasskeyMfa(false);
      assert.equal((await failure(() => challenge('mfa-pk', strict))).name, 'NotAuthorizedException', 'passkey MFA off: no passkey sign-in while MFA is required');
      await setPasskeyMfa(true);
      await server.admin.send(new SetUserPoolMfaConfigCommand({ UserPoolId: strict.poolId, MfaConfiguration: 'ON', SoftwareTokenMfaConfiguration: { Enabled: true }, WebAuthnConfiguration: { FactorConfiguration: 'SINGLE_FACTOR' } }));
      assert.equal((await failure(() => challenge('mfa-pk', strict))).name, 'NotAuthorizedException', 'SINGLE_FACTOR: no passkey sign-in while MFA is required');
    });

    it('a disabled user\'s passkey signs no one in', async () => {
      const { accessToken } = await newUser('disabled-pk');
      const key = await register(accessToken);
      const c = await challenge('disabled-pk');
      await server.admin.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: 'disabled-pk' }));
      assert.deepEqual(await failure(() => answer('disabled-pk', c.session, key.get(c.options))), { name: 'NotAuthorizedException', message: 'User is disabled.' });
    });

    it('a replayed assertion sent 10 times at once signs in exactly once', async () => {
      const { accessToken } = await newUser('racer');
      const key = await register(accessToken);
      const c = await challenge('racer');
      const assertion = key.get(c.options);
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => answer('racer', c.session, assertion)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as Error).name, 'NotAuthorizedException');
    });

    it('passkeys go with their user and their pool', async () => {
      const { sub, accessToken } = await newUser('leaver');
      await register(accessToken);
      assert.equal(await hasPasskeys(server.running.cognate, { sub }), true);
      await server.admin.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: 'leaver' }));
      assert.equal(await hasPasskeys(server.running.cognate, { sub }), false);

      const doomed = await newPool(server, { Policies: PASSKEYS });
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: doomed.poolId, Domain: `doomed-${kind}` }));
      const d = await newUser('doomed', doomed);
      await register(d.accessToken);
      assert.equal(await hasPasskeys(server.running.cognate, { sub: d.sub }), true);
      await server.admin.send(new DeleteUserPoolDomainCommand({ UserPoolId: doomed.poolId, Domain: `doomed-${kind}` }));
      await server.admin.send(new DeleteUserPoolCommand({ UserPoolId: doomed.poolId }));
      assert.equal(await hasPasskeys(server.running.cognate, { sub: d.sub }), false);
    });
  });
}
