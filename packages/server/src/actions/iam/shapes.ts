/** IAM output shapes shared by several IAM actions. */
import type { IamRole } from '../../identity/iam-roles.js';

/** IAM's Role shape; policy documents are URL-encoded JSON, as IAM returns them. */
export function roleType(role: IamRole): Record<string, unknown> {
  return {
    Path: role.arn.slice(role.arn.indexOf(':role') + 5, role.arn.length - role.name.length),
    RoleName: role.name,
    RoleId: `AROA${Buffer.from(role.arn).toString('hex').toUpperCase().slice(0, 17)}`,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt).toISOString(),
    ...(role.trust ? { AssumeRolePolicyDocument: policyDocumentType(role.trust) } : {}),
  };
}

/** A policy document as IAM returns it: URL-encoded JSON. */
export const policyDocumentType = (document: unknown) => encodeURIComponent(JSON.stringify(document));
