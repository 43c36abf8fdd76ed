import { stsAction, QueryError } from '../query-action.js';
import { ACCOUNT_ID } from '../../domain/account.js';
import { roleNameOfArn } from '../../identity/iam-roles.js';
import { assumeRoleWithWebIdentity, WebIdentityTokenRejected } from '../../identity/sts.js';
import { RoleNotTrusted } from '../../identity/trust.js';

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export default stsAction(async (cognate, params) => {
  const roleArn = params.required('RoleArn');
  const sessionName = params.required('RoleSessionName');
  const token = params.required('WebIdentityToken');
  if (!SESSION_NAME.test(sessionName)) throw new QueryError('ValidationError', "Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  const duration = params.get('DurationSeconds');
  const seconds = duration === undefined ? 3600 : Number(duration);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) throw new QueryError('ValidationError', "Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200");
  let assumed;
  try {
    assumed = await assumeRoleWithWebIdentity(cognate.identity, { roleArn, token, seconds });
  } catch (e) {
    if (e instanceof WebIdentityTokenRejected) {
      throw e.reason === 'expired'
        ? new QueryError('ExpiredTokenException', 'Token expired: the web identity token is past its expiration date/time.')
        : new QueryError('InvalidIdentityToken', "Couldn't verify the web identity token.");
    }
    if (e instanceof RoleNotTrusted) throw new QueryError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    throw e;
  }
  const { credentials: creds } = assumed;
  const roleName = roleNameOfArn(roleArn) ?? roleArn;
  return {
    Credentials: { AccessKeyId: creds.AccessKeyId, SecretAccessKey: creds.SecretKey, SessionToken: creds.SessionToken, Expiration: new Date(creds.Expiration).toISOString() },
    SubjectFromWebIdentityToken: assumed.subject,
    AssumedRoleUser: {
      Arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${sessionName}`,
      AssumedRoleId: `AROA${roleName.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 17).padEnd(17, 'X')}:${sessionName}`,
    },
    Audience: assumed.audience,
    Provider: assumed.provider,
  };
});
