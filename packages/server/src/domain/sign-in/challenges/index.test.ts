/**
 * The challenge registry covers every ChallengeName RespondToAuthChallenge accepts today, and the
 * names the API model lists that Cognate does not support yet are refused the way Cognito refuses
 * a name it doesn't know ("Invalid challenge name").
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CognitoError } from '../../../errors.js';
import type { Cognate } from '../../cognate.js';
import type { UserPool } from '../../user-pools.js';
import { respondToAuthChallenge } from '../respond.js';
import { challengeHandler, challengeHandlers } from './index.js';

/** What RespondToAuthChallenge answers: what it answered before the registry, and USER_AUTH's SELECT_CHALLENGE, SMS_OTP and WEB_AUTHN. */
const ACCEPTED_TODAY = [
  'CUSTOM_CHALLENGE',
  'DEVICE_PASSWORD_VERIFIER',
  'DEVICE_SRP_AUTH',
  'EMAIL_OTP',
  'MFA_SETUP',
  'NEW_PASSWORD_REQUIRED',
  'PASSWORD_VERIFIER',
  'SELECT_CHALLENGE',
  'SELECT_MFA_TYPE',
  'SMS_MFA',
  'SMS_OTP',
  'SOFTWARE_TOKEN_MFA',
  'WEB_AUTHN',
];

/** In the model's ChallengeNameType, not answerable: USER_AUTH's PASSWORD / PASSWORD_SRP (started through SELECT_CHALLENGE) and a flow name. */
const NOT_YET = ['ADMIN_NO_SRP_AUTH', 'PASSWORD', 'PASSWORD_SRP'];

function modelChallengeNames(): string[] {
  const model = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../models/cognito-idp.json', import.meta.url)), 'utf8')) as { shapes: Record<string, { enum?: string[] }> };
  return model.shapes.ChallengeNameType?.enum ?? assert.fail('ChallengeNameType is not in the model');
}

describe('challenge registry', () => {
  it('has exactly one handler for every ChallengeName Cognate accepts', () => {
    assert.deepEqual(Object.keys(challengeHandlers).sort(), ACCEPTED_TODAY);
    for (const name of ACCEPTED_TODAY) assert.equal(typeof challengeHandler(name), 'function', name);
  });

  it("covers the model's ChallengeNameType but for the names not supported yet", () => {
    const model = modelChallengeNames();
    for (const name of ACCEPTED_TODAY) assert.ok(model.includes(name), `${name} is a ChallengeNameType`);
    assert.deepEqual(model.filter((n) => challengeHandler(n) === undefined).sort(), NOT_YET);
  });

  it('RespondToAuthChallenge refuses a name without a handler before anything else', async () => {
    const pool = { id: 'us-east-1_registry' } as UserPool;
    const cognate = { clients: { get: async () => ({ id: 'client', poolId: pool.id, settings: {} }) } } as unknown as Cognate;
    for (const name of [...NOT_YET, 'NOT_A_CHALLENGE', '__proto__', 'constructor']) {
      await assert.rejects(respondToAuthChallenge(cognate, { ClientId: 'client', ChallengeName: name }, pool), (e: unknown) => {
        assert.ok(e instanceof CognitoError);
        assert.equal(e.name, 'InvalidParameterException');
        assert.equal(e.message, `Invalid challenge name: ${name}`);
        return true;
      });
    }
  });
});
