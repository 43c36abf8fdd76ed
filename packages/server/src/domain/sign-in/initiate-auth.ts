/**
 * InitiateAuth and AdminInitiateAuth: the AuthFlow picks a flow (flows/), whose Outcome the
 * pipeline continues. Multi-step state travels sealed (SECRET_BLOCK, Session), so any node
 * continues any flow and nothing lives in memory.
 */
import { errors } from '../../errors.js';
import type { Cognate, Ports } from '../cognate.js';
import { allowsFlow, type AppClient } from '../app-clients.js';
import { clientAndPool } from '../client-context.js';
import type { UserPool } from '../user-pools.js';
import { required } from '../parameters.js';
import { startSrp } from './flows/srp.js';
import { passwordSignIn } from './flows/password.js';
import { refreshTokens } from './flows/refresh.js';
import { rotatesRefreshTokens } from '../tokens.js';
import { startCustomAuth } from './flows/custom-auth.js';
import { userAuth } from './flows/user-auth.js';
import { continueSignIn } from './pipeline.js';
import { deviceKeyOf, respond, type AuthResponse, type Metadata, type Outcome, type Params } from './types.js';

export interface InitiateAuthInput {
  AuthFlow: string;
  AuthParameters?: Params;
  ClientId: string;
  ClientMetadata?: Record<string, string>;
  /** USER_AUTH: the Session ConfirmSignUp returned (sign-in after sign-up) */
  Session?: string;
}

const flowNotEnabled = (flow: string) => errors.invalidParameter(`${flow} flow not enabled for this client`);

/** REFRESH_TOKEN_AUTH (alias REFRESH_TOKEN). */
async function refreshFlow(cognate: Ports<'clock' | 'config' | 'lockout' | 'log' | 'outbox' | 'store' | 'tokens' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata): Promise<Outcome> {
  // With refresh-token rotation, refreshing is GetTokensFromRefreshToken's alone (API_RefreshTokenRotationType):
  // REFRESH_TOKEN_AUTH is refused as for a client that doesn't allow the flow.
  if (!allowsFlow(client.settings, 'REFRESH_TOKEN_AUTH') || rotatesRefreshTokens(client)) throw flowNotEnabled('REFRESH_TOKEN_AUTH');
  const result = await refreshTokens(cognate, pool, client, required(params, 'REFRESH_TOKEN'), params.SECRET_HASH, deviceKeyOf(params), clientMetadata);
  return respond({ ChallengeParameters: {}, AuthenticationResult: result });
}

async function srpFlow(cognate: Ports<'clock' | 'lockout' | 'log' | 'secrets' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata): Promise<Outcome> {
  if (!allowsFlow(client.settings, 'USER_SRP_AUTH')) throw flowNotEnabled('USER_SRP_AUTH');
  return respond(await startSrp(cognate, pool, client, params, clientMetadata));
}

async function customFlow(cognate: Ports<'clock' | 'lockout' | 'log' | 'secrets' | 'triggers' | 'users'>, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata): Promise<Outcome> {
  if (!allowsFlow(client.settings, 'CUSTOM_AUTH')) throw flowNotEnabled('CUSTOM_AUTH');
  return startCustomAuth(cognate, pool, client, params, clientMetadata);
}

type Flow = (cognate: Cognate, pool: UserPool, client: AppClient, params: Params, clientMetadata: Metadata, session?: string) => Promise<Outcome>;

/** ADMIN_USER_PASSWORD_AUTH (alias ADMIN_NO_SRP_AUTH): enabled by ALLOW_ADMIN_USER_PASSWORD_AUTH. */
const adminPasswordFlow: Flow = (cognate, pool, client, params, metadata) => {
  if (!allowsFlow(client.settings, 'ADMIN_USER_PASSWORD_AUTH')) throw flowNotEnabled('ADMIN_NO_SRP_AUTH');
  return passwordSignIn(cognate, pool, client, params, metadata);
};

/** The AuthFlows InitiateAuth answers. A new flow is one entry here (and one in ADMIN_FLOWS if admins may use it). */
const FLOWS: Readonly<Record<string, Flow>> = {
  USER_SRP_AUTH: srpFlow,
  USER_PASSWORD_AUTH: (cognate, pool, client, params, metadata) => {
    if (!allowsFlow(client.settings, 'USER_PASSWORD_AUTH')) throw flowNotEnabled('USER_PASSWORD_AUTH');
    return passwordSignIn(cognate, pool, client, params, metadata);
  },
  REFRESH_TOKEN_AUTH: refreshFlow,
  REFRESH_TOKEN: refreshFlow,
  CUSTOM_AUTH: customFlow,
  USER_AUTH: userAuth,
};

/** The AuthFlows AdminInitiateAuth answers. */
const ADMIN_FLOWS: Readonly<Record<string, Flow>> = {
  ADMIN_USER_PASSWORD_AUTH: adminPasswordFlow,
  ADMIN_NO_SRP_AUTH: adminPasswordFlow,
  REFRESH_TOKEN_AUTH: refreshFlow,
  REFRESH_TOKEN: refreshFlow,
  USER_SRP_AUTH: srpFlow,
  CUSTOM_AUTH: customFlow,
  USER_AUTH: userAuth,
};

/** The flow an AuthFlow names; only the table's own entries (`toString` is no flow). */
function flowFor(flows: Readonly<Record<string, Flow>>, authFlow: string): Flow {
  if (!Object.hasOwn(flows, authFlow)) throw errors.invalidParameter('Initiate Auth method not supported.');
  return flows[authFlow]!;
}

export async function initiateAuth(cognate: Cognate, input: InitiateAuthInput): Promise<AuthResponse> {
  const { client, pool } = await clientAndPool(cognate, input.ClientId);
  const outcome = await flowFor(FLOWS, input.AuthFlow)(cognate, pool, client, input.AuthParameters ?? {}, input.ClientMetadata, input.Session);
  return continueSignIn(cognate, pool, client, outcome);
}

export async function adminInitiateAuth(cognate: Cognate, input: InitiateAuthInput & { UserPoolId: string }): Promise<AuthResponse> {
  const pool = await cognate.pools.get(input.UserPoolId);
  const client = await cognate.clients.get(pool.id, input.ClientId);
  const outcome = await flowFor(ADMIN_FLOWS, input.AuthFlow)(cognate, pool, client, input.AuthParameters ?? {}, input.ClientMetadata, input.Session);
  return continueSignIn(cognate, pool, client, outcome);
}
