/**
 * Every `pattern` trait of every service model, compiled by compileJavaPattern: it compiles (by translation, no
 * fallback), and it accepts and refuses the samples below as Java's `Matcher.matches()` does. The samples were
 * recorded from the full Java-regex translator this module replaced, so they pin that behaviour; the ones that
 * `new RegExp(pattern, 'u')` would get wrong (`\s`/`\S` are ASCII in Java, `.` excludes NEL) are the reason the
 * translation exists.
 *
 * The models checked are the copies the server loads (packages/server/models/, read by ./load.ts) and, when the
 * checkout sits next to it, the reference set in ../shared/reference/models/.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileJavaPattern } from './patterns.js';

const SERVER_MODELS = fileURLToPath(new URL('../../../models/', import.meta.url));
const REFERENCE_MODELS = fileURLToPath(new URL('../../../../../../shared/reference/models/', import.meta.url));

/** pattern → [values it accepts, values it refuses]; the comment names some shapes that use it. */
const SAMPLES: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
  ["\\d+", ["123"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // AccountId
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // ClaimName, CustomAttributeNameType, ...
  ["[\\w_]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // CognitoIdentityProviderClientId
  ["[\\w._:/-]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // CognitoIdentityProviderName
  ["[\\w._-]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // DeveloperProviderName
  ["[\\w-]+:[0-9a-f-]+", ["a:b", "us-east-1:0a1b-2c"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // IdentityId, IdentityPoolId, ...
  ["[\\w\\s+=,.@-]+", ["1\n", "00ff\n", "alice", "a b"], ["a\u00a0b", "a\u2003b", "a\u0000b", "x\u2028y", "\ufeff"]], // IdentityPoolName, ClientNameType, ...
  ["[\\w.;_/-]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // IdentityProviderId
  ["[\\S]+", ["alice", "a\u00a0b", "a\u2003b", "a\u0000b", "x\u2028y", "\ufeff"], ["1\n", "00ff\n", "a b", "a\tb"]], // PaginationKey, ConfirmationCodeType, ...
  ["(un)?authenticated", ["authenticated", "unauthenticated"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // RoleType
  ["[0-9]+", ["123"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // AWSAccountIdType, SoftwareTokenMFAUserCodeType
  ["arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?", ["arn:aws:iam::123456789012:role/x", "arn:aws:sns:us-east-1:123:app/GCM/x", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // ArnType, EncryptionKeyArnType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r ]+", ["1\n", "00ff\n", "alice", "a b"], ["a\u0000b", "a\u00a0b", "a\u2003b", "a\u0085b"]], // AttributeNameType
  ["[\\w+]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // ClientIdType, ClientSecretType
  ["[\\w]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // CompletionMessageType
  ["[\\w-]+_[0-9a-f-]+", ["A1_b", "a_b", "us-east-1_ab"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // DeviceKeyType
  ["^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$", ["alice", "abc", "123", "a-b"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // DomainType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+@[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+", ["x@y.z"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // EmailAddressType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*", ["1\n", "00ff\n", "alice", "a b"], ["a\u00a0b", "a\u2003b", "a\u0000b", "x\u2028y", "\ufeff"]], // EmailInviteMessageType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*", ["{####}", "x {####} y"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // EmailMfaMessageType, EmailVerificationMessageType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+", ["1\n", "00ff\n", "alice", "a b"], ["a\u00a0b", "a\u2003b", "a\u0000b", "x\u2028y", "\ufeff"]], // EmailMfaSubjectType, EmailNotificationSubjectType, ...
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]+", ["1\n", "00ff\n", "alice", "a b"], ["a\u00a0b", "a\u2003b", "a\u0000b", "x\u2028y", "\ufeff"]], // EmailNotificationBodyType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{##[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*##\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*", ["{####}", "x {####} y", "{##x##}", "{## x ##}"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // EmailVerificationMessageByLinkType
  ["[\\w+-]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // EventIdType
  ["^[0-9a-fA-F]+$", ["abc", "123", "00ff"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // HexStringType
  ["[\\w\\s+=.@-]+", ["1\n", "00ff\n", "alice", "a b"], ["a\u00a0b", "a\u2003b", "a\u0000b", "x\u2028y", "\ufeff"]], // IdpIdentifierType
  ["^cognito:(default|dutch|english|french|spanish|german|bahasa-indonesia|italian|japanese|korean|portuguese-brazil|chinese-(simplified|traditional))$", ["cognito:english", "cognito:chinese-traditional"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // LanguageIdType
  ["^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // LinkUrlType
  ["^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[4][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$", ["0a1b2c3d-1234-4abc-8def-0123456789ab"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // ManagedLoginBrandingIdType, TermsIdType
  ["(arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?)?", ["", "arn:aws:iam::123456789012:role/x", "arn:aws:sns:us-east-1:123:app/GCM/x", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // OptionalArnType
  ["[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\p{Z}]+", ["alice", "a b", "abc", "A1_b"], ["1\n", "00ff\n", "a\u0000b", "a\tb"]], // ProviderNameType
  ["[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+", ["00ff\n", "alice", "abc", "123"], ["1\n", "a b", "a\u0000b", "A1_b"]], // ProviderNameTypeV2
  ["^[\\w\\- ]+$", ["alice", "a b", "abc", "A1_b"], ["1\n", "00ff\n", "a\u0000b", "a\tb"]], // ResourceIdType
  ["[\\x21\\x23-\\x5B\\x5D-\\x7E]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // ResourceServerIdentifierType, ScopeType
  ["[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // ResourceServerScopeNameType
  ["arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:::[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?", ["arn:aws:s3:::bucket"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // S3ArnType
  ["^[0-9A-Za-z\\.\\-_]*(?<!\\.)$", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // S3BucketType
  ["^[a-zA-Z0-9_-]+$", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // SESConfigurationSet
  ["[A-Za-z0-9]+", ["alice", "abc", "123", "authenticated"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // SecretCodeType
  ["[\\w+=/]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // SecretHashType
  ["(?s).*", ["1\n", "00ff\n", "alice", "a b", "a\u0000b"], []], // SmsInviteMessageType
  [".*\\{####\\}.*", ["{####}", "x {####} y"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // SmsVerificationMessageType
  ["^(terms-of-use|privacy-policy)$", ["terms-of-use"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // TermsNameType
  ["[A-Za-z0-9-_=.]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // TokenModelType
  ["import-[0-9a-zA-Z-]+", ["import-ab12"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // UserImportJobIdType
  ["[\\w-]+_[0-9a-zA-Z]+", ["A1_b", "a_b", "us-east-1_AbC123", "us-east-1_ab"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // UserPoolIdType
  ["arn:aws:sns:[-0-9a-z]+:\\d+:app/[A-Z_]+/[a-zA-Z0-9_.-]+", ["arn:aws:sns:us-east-1:123:app/GCM/x"], ["1\n", "00ff\n", "alice", "a b", "a\u0000b"]], // ApplicationArn
  ["arn:aws:iam::\\d+:role/.*", ["arn:aws:iam::123456789012:role/x"], ["1\n", "00ff\n", "alice", "a b", "arn:aws:iam::123456789012:role/a\u0085b", "a\u0000b"]], // AssumeRoleArn
  ["[a-zA-Z0-9_.:-]+", ["alice", "abc", "A1_b", "123"], ["1\n", "00ff\n", "a b", "a\u0000b"]], // DatasetName
];

/** Every distinct pattern in the models of `dir`, with the shapes that use it. */
function patternsIn(dir: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const model = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as { shapes: Record<string, { pattern?: string }> };
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (shape.pattern !== undefined) found.set(shape.pattern, [...(found.get(shape.pattern) ?? []), `${file} ${name}`]);
    }
  }
  return found;
}

function checkModels(dir: string): void {
  const patterns = patternsIn(dir);
  assert.ok(patterns.size >= 49, `found ${patterns.size} distinct patterns in ${dir}`);
  const samples = new Map(SAMPLES.map(([p, yes, no]) => [p, { yes, no }]));
  const problems: string[] = [];
  for (const [pattern, shapes] of patterns) {
    const compiled = compileJavaPattern(pattern);
    if (!compiled) problems.push(`does not compile: ${pattern} (${shapes[0]})`);
    else if (compiled.via !== 'translated') problems.push(`compiled only by the ${compiled.via} fallback: ${pattern}`);
    const sample = samples.get(pattern);
    if (!sample) {
      problems.push(`no samples for ${JSON.stringify(pattern)} (${shapes.join(', ')}): add a line to SAMPLES`);
      continue;
    }
    for (const v of sample.yes) if (compiled?.test(v) !== true) problems.push(`${pattern} should accept ${JSON.stringify(v)}`);
    for (const v of sample.no) if (compiled?.test(v) !== false) problems.push(`${pattern} should refuse ${JSON.stringify(v)}`);
  }
  assert.deepEqual(problems, []);
}

describe('every pattern trait of every model', () => {
  it('compiles and matches its samples in the models the server loads', () => checkModels(SERVER_MODELS));

  it('compiles and matches its samples in the reference models', { skip: !existsSync(REFERENCE_MODELS) && 'no ../shared/reference/models next to this checkout' }, () =>
    checkModels(REFERENCE_MODELS));

  it('has samples only for patterns the models use, and they hold', () => {
    const used = patternsIn(SERVER_MODELS);
    for (const [pattern, yes, no] of SAMPLES) {
      assert.ok(used.has(pattern), `${pattern} is not in any model`);
      assert.ok(yes.length + no.length > 0);
    }
  });

  it('translates only where JavaScript would read the pattern differently', () => {
    // The samples that `new RegExp(pattern, 'u')`, anchored, gets wrong: all are about \s, \S, . or (?s).
    const differs: string[] = [];
    for (const [pattern, yes, no] of SAMPLES) {
      let raw: RegExp;
      try {
        raw = new RegExp(`^(?:${pattern})$`, 'u');
      } catch {
        differs.push(pattern); // (?s).* : JavaScript has no inline flags
        continue;
      }
      if (yes.some((v) => !raw.test(v)) || no.some((v) => raw.test(v))) differs.push(pattern);
    }
    assert.ok(differs.length > 0);
    for (const p of differs) assert.match(p, /\\s|\\S|\.|\(\?s\)/, p);
  });
});
