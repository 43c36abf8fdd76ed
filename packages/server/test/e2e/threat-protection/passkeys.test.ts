/**
 * Threat protection and passkey sign-in (USER_AUTH, WEB_AUTHN) with a software authenticator: a
 * passkey sign-in is assessed and recorded as a password one is (no challenges named, a blocked
 * range refuses it), and a refused passkey — another authenticator's assertion — is a failed
 * SignIn of the user.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserPasswordCommand,
  CompleteWebAuthnRegistrationCommand,
  CreateUserPoolDomainCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetRiskConfigurationCommand,
  StartWebAuthnRegistrationCommand,
  type AuthEventType,
} from '@aws-sdk/client-cognito-identity-provider';
import { databaseKinds } from '../../support/postgres.js';
import { failure, startTestServer, type TestServer } from '../../support/server.js';
import { newPool, PASSWORD, type Pool } from '../security/helpers.js';
import { SoftAuthenticator } from '../passkeys/soft-authenticator.js';

type RequestOptions = Parameters<SoftAuthenticator['get']>[0];

for (const kind of databaseKinds) {
  describe(`threat protection: passkey sign-in (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let pool: Pool;

    before(async () => {
      server = await startTestServer(kind);
      pool = await newPool(
        server,
        { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } }, UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } },
        { ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], EnablePropagateAdditionalUserContextData: true },
      );
      await server.admin.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: `tp-keys-${kind}` }));
      await server.admin.send(new SetRiskConfigurationCommand({ UserPoolId: pool.poolId, RiskExceptionConfiguration: { BlockedIPRangeList: ['203.0.113.0/24'] } }));
    });
    after(() => server.stop());

    const events = async (Username: string): Promise<AuthEventType[]> => (await server.admin.send(new AdminListUserAuthEventsCommand({ UserPoolId: pool.poolId, Username }))).AuthEvents ?? [];
    const challenge = async (USERNAME: string, IpAddress: string) => {
      const out = await server.anonymous.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_AUTH', AuthParameters: { USERNAME, PREFERRED_CHALLENGE: 'WEB_AUTHN' }, UserContextData: { IpAddress } }));
      assert.equal(out.ChallengeName, 'WEB_AUTHN');
      return { session: out.Session!, options: JSON.parse(out.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!) as RequestOptions };
    };
    const answer = (USERNAME: string, session: string, credential: unknown, IpAddress: string) =>
      server.anonymous.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: 'WEB_AUTHN' as never, Session: session, ChallengeResponses: { USERNAME, CREDENTIAL: JSON.stringify(credential) }, UserContextData: { IpAddress } }));

    it('a passkey sign-in is recorded with no challenges named; another authenticator\'s assertion is a failed SignIn; a blocked range refuses even the right passkey', async () => {
      await server.admin.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: 'pia', MessageAction: 'SUPPRESS' }));
      await server.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: 'pia', Password: PASSWORD, Permanent: true }));
      const accessToken = (await server.admin.send(new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'pia', PASSWORD }, ContextData: { IpAddress: '10.7.0.1', ServerName: 'app', ServerPath: '/', HttpHeaders: [] } }))).AuthenticationResult!.AccessToken!;
      const key = new SoftAuthenticator();
      const creation = (await server.anonymous.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }))).CredentialCreationOptions;
      await server.anonymous.send(new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: key.create(creation as never) as never }));

      let c = await challenge('pia', '10.7.0.1');
      assert.ok((await answer('pia', c.session, key.get(c.options), '10.7.0.1')).AuthenticationResult?.AccessToken);
      let [latest] = await events('pia');
      assert.deepEqual([latest?.EventType, latest?.EventResponse, latest?.EventRisk?.RiskDecision, latest?.ChallengeResponses], ['SignIn', 'Pass', 'NoRisk', []]);

      c = await challenge('pia', '10.7.0.1');
      assert.equal((await failure(() => answer('pia', c.session, new SoftAuthenticator().get(c.options), '10.7.0.1'))).name, 'NotAuthorizedException');
      [latest] = await events('pia');
      assert.deepEqual([latest?.EventType, latest?.EventResponse, latest?.ChallengeResponses], ['SignIn', 'Fail', []]);

      c = await challenge('pia', '203.0.113.9');
      assert.deepEqual(await failure(() => answer('pia', c.session, key.get(c.options), '203.0.113.9')).then((e) => [e.name, e.message]), ['NotAuthorizedException', 'Incorrect username or password.']);
      [latest] = await events('pia');
      assert.deepEqual([latest?.EventResponse, latest?.EventRisk?.RiskDecision], ['Fail', 'Block']);
    });
  });
}
