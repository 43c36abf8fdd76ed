import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CognitoError } from '../errors.js';
import {
  assertDepth,
  codePointLength,
  compileJavaPattern,
  loadServiceModel,
  MAX_LISTED_VIOLATIONS,
  operationForTarget,
  validateInput,
  type ServiceName,
} from './model.js';

const SERVICES: ServiceName[] = ['cognito-idp', 'cognito-identity', 'cognito-sync'];

/** Validates `body` for `service`/`operation`; returns the thrown CognitoError or undefined. */
function run(service: ServiceName, operation: string, body: unknown): CognitoError | undefined {
  const model = loadServiceModel(service);
  const op = model.operation(operation);
  assert.ok(op, `${service} ${operation} exists`);
  try {
    validateInput(model, op, body);
    return undefined;
  } catch (e) {
    if (e instanceof CognitoError) return e;
    throw e;
  }
}

const idp = (operation: string, body: unknown) => run('cognito-idp', operation, body);

function expectInvalid(err: CognitoError | undefined, message: string, name = 'InvalidParameterException'): void {
  assert.ok(err, 'expected an error');
  assert.equal(err.name, name);
  assert.equal(err.status, 400);
  assert.equal(err.message, message);
}

function expectSerialization(err: CognitoError | undefined, includes?: string): void {
  assert.ok(err, 'expected an error');
  assert.equal(err.name, 'SerializationException', err.message);
  assert.equal(err.status, 400);
  if (includes) assert.ok(err.message.includes(includes), `"${err.message}" should include "${includes}"`);
}

const AUTH_FLOWS =
  '[USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]';

describe('validateInput: constraint violations (InvalidParameterException)', () => {
  const cases: { name: string; op: string; body: unknown; message: string }[] = [
    {
      name: 'SignUp without ClientId and Username',
      op: 'SignUp',
      body: {},
      message:
        "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'username' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'SignUp with a Username longer than 128',
      op: 'SignUp',
      body: { ClientId: 'client1', Username: 'u'.repeat(129) },
      message:
        "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128",
    },
    {
      name: 'SignUp with an empty Username (pattern and length, both reported, length first)',
      op: 'SignUp',
      body: { ClientId: 'client1', Username: '' },
      message:
        "2 validation errors detected: Value at 'username' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value at 'username' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
    },
    {
      name: 'SignUp with a ClientId of no allowed character',
      op: 'SignUp',
      body: { ClientId: '-- --', Username: 'alice' },
      message: "1 validation error detected: Value at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+",
    },
    {
      name: 'SignUp with an all-blank Password',
      op: 'SignUp',
      body: { ClientId: 'client1', Username: 'alice', Password: ' \t ' },
      message: "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
    },
    {
      name: 'SignUp with a Password longer than 256 (the pattern is not run on it)',
      op: 'SignUp',
      body: { ClientId: 'client1', Username: 'alice', Password: ' '.repeat(257) },
      message:
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256",
    },
    {
      name: 'SignUp with a UserAttributes item missing Name (nested, 1-based member path)',
      op: 'SignUp',
      body: { ClientId: 'client1', Username: 'alice', UserAttributes: [{ Name: 'email', Value: 'a@b.c' }, { Value: 'x' }] },
      message:
        "1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'SignUp with a too-long attribute Name (echoed: not sensitive)',
      op: 'SignUp',
      body: { ClientId: 'client1', Username: 'alice', UserAttributes: [{ Name: 'custom:' + 'n'.repeat(30), Value: 'v' }] },
      message: `1 validation error detected: Value 'custom:${'n'.repeat(30)}' at 'userAttributes.1.member.name' failed to satisfy constraint: Member must have length less than or equal to 32`,
    },
    {
      name: 'InitiateAuth with an unknown AuthFlow',
      op: 'InitiateAuth',
      body: { AuthFlow: 'PLAIN', ClientId: 'client1' },
      message: `1 validation error detected: Value 'PLAIN' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: ${AUTH_FLOWS}`,
    },
    {
      name: 'ListUserPools with MaxResults below its minimum',
      op: 'ListUserPools',
      body: { MaxResults: 0 },
      message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    },
    {
      name: 'ListUserPools with MaxResults above its maximum',
      op: 'ListUserPools',
      body: { MaxResults: 61 },
      message: "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    },
    {
      name: 'AdminGetUser with a malformed pool id (echoed)',
      op: 'AdminGetUser',
      body: { UserPoolId: 'bad id', Username: 'alice' },
      message:
        "1 validation error detected: Value 'bad id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    },
    {
      name: 'a non-sensitive value longer than 256 characters is not echoed (nor pattern-checked: it is over max)',
      op: 'AdminGetUser',
      body: { UserPoolId: 'x'.repeat(300), Username: 'alice' },
      message:
        "1 validation error detected: Value at 'userPoolId' failed to satisfy constraint: Member must have length less than or equal to 55",
    },
    {
      name: 'several members, reported in alphabetical order of their path',
      op: 'AdminCreateUser',
      body: { UserPoolId: 'nounderscore', TemporaryPassword: 'p'.repeat(300) },
      message:
        "3 validation errors detected: Value at 'temporaryPassword' failed to satisfy constraint: Member must have length less than or equal to 256; " +
        "Value 'nounderscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+; " +
        "Value null at 'username' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'a list of enum values is reported once, at the list, with the member constraints',
      op: 'AdminCreateUser',
      body: { UserPoolId: 'us-east-1_abc', Username: 'alice', DesiredDeliveryMediums: ['SMS', 'FAX', 'PIGEON'] },
      message:
        "1 validation error detected: Value '[SMS, FAX, PIGEON]' at 'desiredDeliveryMediums' failed to satisfy constraint: " +
        'Member must satisfy constraint: [Member must satisfy enum value set: [SMS, EMAIL]]',
    },
    {
      name: 'map keys are reported once, at the map',
      op: 'TagResource',
      body: { ResourceArn: 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc', Tags: { '': 'v', ok: 'v' } },
      message:
        "1 validation error detected: Value '{=v, ok=v}' at 'tags' failed to satisfy constraint: " +
        'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
    },
    {
      name: 'a required member of a nested structure',
      op: 'UpdateUserPool',
      body: { UserPoolId: 'us-east-1_abc', UserPoolAddOns: {} },
      message:
        "1 validation error detected: Value null at 'userPoolAddOns.advancedSecurityMode' failed to satisfy constraint: Member must not be null",
    },
  ];
  for (const c of cases) {
    it(c.name, () => expectInvalid(idp(c.op, c.body), c.message));
  }

  it('GetId with an empty login token gives the message Cognito gives, as ValidationException (map value, sensitive: not echoed)', () => {
    const err = run('cognito-identity', 'GetId', {
      IdentityPoolId: 'us-east-1:0f0e0d0c-0b0a-0908-0706-050403020100',
      Logins: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_abc': '' },
    });
    expectInvalid(
      err,
      "1 validation error detected: Value at 'logins' failed to satisfy constraint: Map value must satisfy constraint: " +
        '[Member must have length less than or equal to 50000, Member must have length greater than or equal to 1]',
      'ValidationException',
    );
  });

  it('counts string length in code points', () => {
    const emoji = '\u{1F600}';
    assert.equal(idp('SignUp', { ClientId: 'client1', Username: emoji.repeat(128) }), undefined);
    expectInvalid(
      idp('SignUp', { ClientId: 'client1', Username: emoji.repeat(129) }),
      "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128",
    );
    assert.equal(codePointLength(`a${emoji}b`), 3);
    assert.equal(codePointLength('\ud800'), 1);
    assert.equal(codePointLength(''), 0);
  });

  it('never echoes sensitive values, even short ones', () => {
    const secret = 'hunter2 with spaces';
    const err = idp('SignUp', { ClientId: 'c', Username: 'alice', Password: ' ', SecretHash: '!!!', UserAttributes: [{ Name: 'email', Value: 'v'.repeat(2049) }] });
    assert.ok(err);
    assert.equal(err.name, 'InvalidParameterException');
    assert.ok(!err.message.includes("Value '"), err.message);
    assert.ok(err.message.startsWith('3 validation errors detected: '), err.message);
    assert.ok(err.message.includes("Value at 'userAttributes.1.member.value' failed"), err.message);
    const auth = idp('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { PASSWORD: secret }, Session: 'short' });
    assert.ok(auth && !auth.message.includes(secret) && !auth.message.includes("'short'"), auth?.message);
  });

  it('lists at most MAX_LISTED_VIOLATIONS violations but counts them all', () => {
    const attrs = Array.from({ length: MAX_LISTED_VIOLATIONS + 20 }, () => ({ Value: 'v' }));
    const err = idp('SignUp', { ClientId: 'c', Username: 'alice', UserAttributes: attrs });
    assert.ok(err);
    assert.ok(err.message.startsWith(`${MAX_LISTED_VIOLATIONS + 20} validation errors detected: `), err.message.slice(0, 80));
    assert.equal(err.message.split('; ').length, MAX_LISTED_VIOLATIONS);
  });
});

describe('validateInput: wrong JSON types (SerializationException)', () => {
  it('rejects a body that is not an object', () => {
    for (const body of [[], [{ ClientId: 'c' }], 'SignUp', 42, true, null]) {
      expectSerialization(idp('SignUp', body));
    }
    expectSerialization(idp('SignUp', []), 'Start of list found where not expected');
    expectSerialization(idp('SignUp', 'x'), 'STRING_VALUE');
  });

  it('rejects a map value of the wrong type, naming the entry', () => {
    expectSerialization(
      idp('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { USERNAME: 5 } }),
      "NUMBER_VALUE can not be converted to a String at 'authParameters.USERNAME'",
    );
    expectSerialization(idp('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: { USERNAME: {} } }), 'authParameters.USERNAME');
    expectSerialization(idp('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'c', AuthParameters: ['USERNAME'] }), "Start of list found where not expected at 'authParameters'");
  });

  it('rejects integers that are not integral numbers in range', () => {
    expectSerialization(idp('ListUserPools', { MaxResults: '10' }), "STRING_VALUE can not be converted to an Integer at 'maxResults'");
    expectSerialization(idp('ListUserPools', { MaxResults: 1.5 }), 'maxResults');
    expectSerialization(idp('ListUserPools', { MaxResults: 2 ** 40 }), 'maxResults');
    expectSerialization(idp('ListUserPools', { MaxResults: [] }), 'Start of list found');
    expectSerialization(idp('ListUserPools', { MaxResults: true }), "TRUE_VALUE can not be converted to an Integer at 'maxResults'");
    expectSerialization(idp('ListUserPools', { MaxResults: false }), "FALSE_VALUE can not be converted to an Integer at 'maxResults'");
  });

  it('rejects strings, lists, structures and booleans of the wrong type', () => {
    expectSerialization(idp('SignUp', { ClientId: 1, Username: 'a' }), "NUMBER_VALUE can not be converted to a String at 'clientId'");
    expectSerialization(idp('SignUp', { ClientId: 'c', Username: ['a'] }), "Start of list found where not expected at 'username'");
    expectSerialization(idp('SignUp', { ClientId: 'c', Username: 'a', UserAttributes: { Name: 'email' } }), "Start of structure or map found where not expected at 'userAttributes'");
    expectSerialization(idp('SignUp', { ClientId: 'c', Username: 'a', UserAttributes: ['email'] }), "at 'userAttributes.1.member'");
    expectSerialization(idp('SignUp', { ClientId: 'c', Username: 'a', UserAttributes: [{ Name: 7 }] }), "at 'userAttributes.1.member.name'");
    expectSerialization(idp('AdminCreateUser', { UserPoolId: 'p_1', Username: 'a', ForceAliasCreation: 'true' }), 'a Boolean');
    expectSerialization(idp('AdminCreateUser', { UserPoolId: 'p_1', Username: 'a', DesiredDeliveryMediums: ['SMS', 3] }), "desiredDeliveryMediums.2.member");
  });

  it('reports a type error before (and instead of) constraint violations', () => {
    expectSerialization(idp('SignUp', { Username: '', Password: 5 }), 'password');
  });

  it('checks blobs are base64 and bounds their decoded size', () => {
    const asset = (Bytes: unknown) => ({
      UserPoolId: 'us-east-1_abc',
      ClientId: 'client1',
      Assets: [{ Category: 'FAVICON_ICO', ColorMode: 'LIGHT', Extension: 'ICO', Bytes }],
    });
    assert.equal(idp('CreateManagedLoginBranding', asset('AAEC')), undefined);
    assert.equal(idp('CreateManagedLoginBranding', asset('AAE=')), undefined);
    assert.equal(idp('CreateManagedLoginBranding', asset('AAE')), undefined);
    expectSerialization(idp('CreateManagedLoginBranding', asset('not base64!')), 'assets.1.member.bytes');
    expectSerialization(idp('CreateManagedLoginBranding', asset('A')), 'Blob');
    expectSerialization(idp('CreateManagedLoginBranding', asset(12)), 'Blob');
    const big = Buffer.alloc(1_000_001).toString('base64');
    expectInvalid(
      idp('CreateManagedLoginBranding', asset(big)),
      "1 validation error detected: Value at 'assets.1.member.bytes' failed to satisfy constraint: Member must have length less than or equal to 1000000",
    );
  });
});

describe('validateInput: nulls, unknown members, depth', () => {
  it('treats a null member or map value as absent, and removes it; a null list element is a SerializationException', () => {
    expectInvalid(
      idp('SignUp', { ClientId: null, Username: 'alice' }),
      "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    );
    const input: Record<string, unknown> = { ClientId: 'c', Username: 'alice', Password: null, UserAttributes: [{ Name: 'email', Value: null }], ClientMetadata: { a: null, b: 'x' } };
    assert.equal(idp('SignUp', input), undefined);
    assert.deepEqual(input, { ClientId: 'c', Username: 'alice', UserAttributes: [{ Name: 'email' }], ClientMetadata: { b: 'x' } });
    const err = idp('SignUp', { ClientId: 'c', Username: 'alice', UserAttributes: [null] });
    assert.equal(err?.name, 'SerializationException');
    assert.equal(err?.message, "Null value found in list at 'userAttributes.1.member'.");
  });

  it('ignores unknown members, whatever their type', () => {
    assert.equal(idp('SignUp', { ClientId: 'c', Username: 'alice', Foo: { bar: [1, { baz: null }] }, clientId: 7, constructor: 1 }), undefined);
  });

  it('accepts a typical valid body for each service', () => {
    assert.equal(
      idp('InitiateAuth', {
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: '5lpkq0example',
        AuthParameters: { USERNAME: 'alice', SRP_A: 'abcdef0123', SECRET_HASH: 'c2VjcmV0' },
        ClientMetadata: { k: 'v' },
      }),
      undefined,
    );
    assert.equal(run('cognito-identity', 'GetId', { IdentityPoolId: 'us-east-1:0f0e0d0c-0b0a-0908-0706-050403020100' }), undefined);
    assert.equal(
      run('cognito-sync', 'ListRecords', { IdentityPoolId: 'us-east-1:0f0e', IdentityId: 'us-east-1:0a0b', DatasetName: 'prefs' }),
      undefined,
    );
  });

  it('accepts raw strings for REST query-string integers (cognito-sync) and checks them', () => {
    const base = { IdentityPoolId: 'us-east-1:0f0e', IdentityId: 'us-east-1:0a0b', DatasetName: 'prefs' };
    assert.equal(run('cognito-sync', 'ListRecords', { ...base, MaxResults: '10', LastSyncCount: '3' }), undefined);
    assert.equal(run('cognito-sync', 'ListRecords', { ...base, MaxResults: 10 }), undefined);
    expectSerialization(run('cognito-sync', 'ListRecords', { ...base, MaxResults: 'ten' }), 'maxResults');
    expectInvalid(
      run('cognito-sync', 'ListRecords', { ...base, DatasetName: '!! ??' }),
      "1 validation error detected: Value '!! ??' at 'datasetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.:-]+",
    );
  });

  it('rejects a body nested 200 levels deep', () => {
    let deep: unknown = {};
    for (let n = 0; n < 199; n++) deep = { a: deep };
    expectSerialization(idp('SignUp', { ClientId: 'c', Username: 'alice', Unknown: deep }), 'nested deeper than 32');
    let list: unknown = [];
    for (let n = 0; n < 199; n++) list = [list];
    expectSerialization(idp('SignUp', { ClientId: 'c', Username: 'alice', UserAttributes: list }), 'nested deeper');
    const viaProto: unknown = JSON.parse('{"__proto__":'.repeat(40) + '{}' + '}'.repeat(40));
    expectSerialization(idp('SignUp', viaProto), 'nested deeper');
    const parsed: unknown = JSON.parse('['.repeat(5000) + ']'.repeat(5000));
    assert.throws(() => assertDepth(parsed), (e: unknown) => e instanceof CognitoError && e.name === 'SerializationException');
  });

  it('assertDepth allows exactly max levels', () => {
    const nest = (levels: number): unknown => {
      let v: unknown = {};
      for (let n = 1; n < levels; n++) v = n % 2 ? [v] : { k: v };
      return v;
    };
    assertDepth(nest(32));
    assert.throws(() => assertDepth(nest(33)), /nested deeper than 32/);
    assertDepth(nest(3), 3);
    assert.throws(() => assertDepth(nest(4), 3));
    assertDepth('scalar');
    assertDepth(null);
  });
});

describe('operationForTarget', () => {
  it('resolves both awsJson services', () => {
    const signUp = operationForTarget('AWSCognitoIdentityProviderService.SignUp');
    assert.equal(signUp?.model.name, 'cognito-idp');
    assert.equal(signUp?.op.name, 'SignUp');
    assert.equal(signUp?.op.inputShape, 'SignUpRequest');
    const getId = operationForTarget('AWSCognitoIdentityService.GetId');
    assert.equal(getId?.model.name, 'cognito-identity');
    assert.equal(getId?.op.name, 'GetId');
  });

  it('returns undefined for unknown prefixes, actions and malformed targets', () => {
    for (const target of [
      '',
      'AWSCognitoIdentityProviderService',
      'AWSCognitoIdentityProviderService.',
      'AWSCognitoIdentityProviderService.Nope',
      'AWSCognitoIdentityProviderService.signUp',
      'awscognitoidentityproviderservice.SignUp',
      'DynamoDB_20120810.SignUp',
      'AWSCognitoIdentityService.SignUp',
      'AWSCognitoIdentityProviderService.GetId',
      ' AWSCognitoIdentityProviderService.SignUp',
      'AWSCognitoIdentityProviderService.SignUp ',
      'AWSCognitoIdentityProviderService.toString',
      'AWSCognitoIdentityProviderService.__proto__',
    ]) {
      assert.equal(operationForTarget(target), undefined, JSON.stringify(target));
    }
  });

  it('operation() is exact', () => {
    const model = loadServiceModel('cognito-idp');
    assert.ok(model.operation('AdminGetUser'));
    assert.equal(model.operation('adminGetUser'), undefined);
    assert.equal(model.operation('hasOwnProperty'), undefined);
    assert.equal(model.operationNames().length, 129);
    assert.equal(loadServiceModel('cognito-identity').operationNames().length, 23);
    assert.equal(loadServiceModel('cognito-sync').operationNames().length, 17);
    assert.equal(loadServiceModel('cognito-idp'), model, 'cached');
    assert.equal(model.targetPrefix, 'AWSCognitoIdentityProviderService');
    assert.equal(loadServiceModel('cognito-sync').targetPrefix, undefined);
    assert.deepEqual(loadServiceModel('cognito-sync').operation('ListRecords')?.http, {
      method: 'GET',
      requestUri: '/identitypools/{IdentityPoolId}/identities/{IdentityId}/datasets/{DatasetName}/records',
      responseCode: 200,
    });
  });
});

describe('unsigned operations', () => {
  // reference/protocol.md §1.1 (from the SDKs' httpAuthSchemeProvider). ListUserSessions and RevokeUserSession are
  // listed there but are not in this model version.
  const IDP_UNSIGNED = new Set(
    'AssociateSoftwareToken ChangePassword CompleteWebAuthnRegistration ConfirmDevice ConfirmForgotPassword ConfirmSignUp DeleteUser DeleteUserAttributes DeleteWebAuthnCredential ForgetDevice ForgotPassword GetDevice GetTokensFromRefreshToken GetUser GetUserAttributeVerificationCode GetUserAuthFactors GlobalSignOut InitiateAuth ListDevices ListUserSessions ListWebAuthnCredentials ResendConfirmationCode RespondToAuthChallenge RevokeToken RevokeUserSession SetUserMFAPreference SetUserSettings SignUp StartWebAuthnRegistration UpdateAuthEventFeedback UpdateDeviceStatus UpdateUserAttributes VerifySoftwareToken VerifyUserAttribute'.split(
      ' ',
    ),
  );
  const IDENTITY_UNSIGNED = new Set(['GetId', 'GetCredentialsForIdentity', 'GetOpenIdToken', 'UnlinkIdentity']);

  it('marks the operations named in the brief', () => {
    const idpModel = loadServiceModel('cognito-idp');
    const identity = loadServiceModel('cognito-identity');
    for (const name of ['SignUp', 'InitiateAuth']) assert.equal(idpModel.operation(name)?.unsigned, true, name);
    for (const name of ['GetId', 'GetCredentialsForIdentity']) assert.equal(identity.operation(name)?.unsigned, true, name);
    for (const name of ['AdminGetUser', 'CreateUserPool', 'ListUserPools']) assert.equal(idpModel.operation(name)?.unsigned, false, name);
  });

  it('agrees with reference/protocol.md for every operation of every service', () => {
    const expected: Record<ServiceName, Set<string>> = {
      'cognito-idp': IDP_UNSIGNED,
      'cognito-identity': IDENTITY_UNSIGNED,
      'cognito-sync': new Set(),
    };
    for (const service of SERVICES) {
      const model = loadServiceModel(service);
      for (const name of model.operationNames()) {
        assert.equal(model.operation(name)!.unsigned, expected[service].has(name), `${service} ${name}`);
      }
    }
  });
});

describe('compileJavaPattern', () => {
  it('compiles every pattern of all three models (no uncompilable pattern, no fallback)', () => {
    const failed: string[] = [];
    const fallbacks: string[] = [];
    let count = 0;
    for (const service of SERVICES) {
      const model = loadServiceModel(service);
      for (const name of model.shapeNames()) {
        const pattern = model.shape(name)!.pattern;
        if (pattern === undefined) continue;
        count++;
        const compiled = compileJavaPattern(pattern);
        if (!compiled) failed.push(`${service} ${name}: ${pattern}`);
        else if (compiled.via !== 'translated') fallbacks.push(`${service} ${name}: ${pattern}`);
      }
    }
    assert.ok(count > 50, `found ${count} patterns`);
    assert.deepEqual(failed, []);
    assert.deepEqual(fallbacks, []);
  });

  it('matches the whole value, as AWS (Java matches()) does', () => {
    const digits = compileJavaPattern('[0-9]+')!;
    assert.equal(digits.test('123'), true);
    assert.equal(digits.test('abc1'), false);
    assert.equal(digits.test('1\n'), false);
    const username = compileJavaPattern('[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+')!;
    assert.equal(username.test('alice'), true);
    assert.equal(username.test('a b'), false, 'real Cognito refuses a username with a space');
    assert.equal(username.test('a\u0000b'), false);
    const hex = compileJavaPattern('^[0-9a-fA-F]+$')!;
    assert.equal(hex.test('00ff'), true);
    assert.equal(hex.test('00fg'), false);
    assert.equal(hex.test('00ff\n'), false);
  });

  it('keeps Java semantics for \\s, \\S and .', () => {
    const nonSpace = compileJavaPattern('[\\S]+')!;
    assert.equal(nonSpace.test(' \t\n'), false);
    assert.equal(nonSpace.test('\u00a0'), true, 'NBSP is not Java whitespace');
    const space = compileJavaPattern('^\\s$')!;
    assert.equal(space.test('\u000b'), true);
    assert.equal(space.test('\u2003'), false);
    const dot = compileJavaPattern('^a.b$')!;
    assert.equal(dot.test('a-b'), true);
    assert.equal(dot.test('a\u0085b'), false, 'NEL is a Java line terminator');
    assert.equal(compileJavaPattern('(?s)^a.b$')!.test('a\nb'), true);
  });

  it('translates Java-only syntax', () => {
    const t = (pattern: string, yes: string[], no: string[]) => {
      const c = compileJavaPattern(pattern);
      assert.ok(c, pattern);
      for (const s of yes) assert.equal(c.test(s), true, `${pattern} ~ ${JSON.stringify(s)}`);
      for (const s of no) assert.equal(c.test(s), false, `${pattern} !~ ${JSON.stringify(s)}`);
    };
    t('^\\p{Alnum}+$', ['abc123'], ['é', 'a_b']);
    t('^\\p{Punct}$', ['!', '~'], ['a', '¡']);
    t('^\\p{IsLatin}+$', ['abcé'], ['αβ']);
    t('^\\p{javaLowerCase}+$', ['abcé'], ['Abc']);
    t('^\\p{IsAlphabetic}+$', ['abcé'], ['1']);
    t('^\\pL+$', ['abc'], ['1']);
    t('^\\P{L}+$', ['123'], ['a']);
    t('^[\\P{Alnum}]+$', ['!?'], ['a']);
    t('^a++b$', ['aab'], ['b']);
    t('^\\Q.*\\E$', ['.*'], ['ab']);
    t('^\\#\\@\\-$', ['#@-'], ['x']);
    t('^[\\#\\-&]+$', ['#-&'], ['x']);
    t('^[a-z&&[^aeiou]]+$', ['bcd'], ['abc']);
    t('(?i)^abc$', ['ABC'], ['abd']);
    t('^\\x{1F600}\\u0041\\x41\\0101$', ['\u{1F600}AAA'], ['AAAA']);
    t('^[^\\S\\n]+$', [' \t'], ['\n', 'a']);
    t('^\\h\\v$', [' \n'], ['  ']);
    t('\\Aab\\z', ['ab'], ['ab\n', 'xab']);
    t('^]}$', [']}'], ['x']);
    t('^(a)\\1$', ['aa'], ['ab']);
  });

  it('returns undefined for Java constructs with no JS equivalent', () => {
    for (const p of ['(?>a+)b', 'a(?i)b', '\\Ga', '\\p{InGreek}', '(?x) a b']) {
      assert.equal(compileJavaPattern(p), undefined, p);
    }
  });

});

describe('robustness over every operation', () => {
  const allowed = new Set(['InvalidParameterException', 'ValidationException', 'SerializationException']);

  it("validates {} for every operation of all three models with at most the service's constraint error (ValidationException for cognito-identity)", () => {
    let ops = 0;
    for (const service of SERVICES) {
      const model = loadServiceModel(service);
      for (const name of model.operationNames()) {
        ops++;
        const err = run(service, name, {});
        if (err) assert.equal(err.name, service === 'cognito-identity' ? 'ValidationException' : 'InvalidParameterException', `${service} ${name}: ${err.message}`);
      }
    }
    assert.equal(ops, 129 + 23 + 17);
  });

  it('never crashes on any JSON type in any member of any operation', () => {
    const values: unknown[] = ['', 'x', 'x'.repeat(300), 0, -1, 1.5, 2 ** 53, true, [], [null], ['x'], [1], [{}], {}, { a: 'b' }, { a: 1 }, { a: {} }, { a: [] }];
    for (const service of SERVICES) {
      const model = loadServiceModel(service);
      for (const name of model.operationNames()) {
        const op = model.operation(name)!;
        const input = op.inputShape ? model.shape(op.inputShape) : undefined;
        for (const member of Object.keys(input?.members ?? {})) {
          for (const value of values) {
            const err = run(service, name, { [member]: value });
            if (err) assert.ok(allowed.has(err.name), `${service} ${name}.${member}=${JSON.stringify(value)}: ${err.name}`);
            // One level deeper: every member of a nested structure, or every list item.
            const nested = run(service, name, { [member]: [{ [member]: value }] });
            if (nested) assert.ok(allowed.has(nested.name));
          }
        }
      }
    }
  });
});
