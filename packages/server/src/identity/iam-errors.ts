/**
 * The errors of IAM's rules for roles, role policies and identity providers, as data: each carries
 * the IAM error code the query protocol answers with (IAM API Reference, the Errors of CreateRole,
 * GetRole, PutRolePolicy, CreateOpenIDConnectProvider …). They are CognitoErrors too, named as
 * Cognito would name them, so the CLI and the domain's other callers see what they always saw.
 */
import { CognitoError, type CognitoErrorName } from '../errors.js';

export type IamErrorCode = 'NoSuchEntity' | 'EntityAlreadyExists' | 'MalformedPolicyDocument' | 'ValidationError' | 'ConcurrentModification';

export class IamError extends CognitoError {
  constructor(readonly code: IamErrorCode, name: CognitoErrorName, message: string) {
    super(name, message);
  }
}

export const iamErrors = {
  /** The role, role policy or provider named does not exist. */
  noSuchEntity: (message: string) => new IamError('NoSuchEntity', 'ResourceNotFoundException', message),
  /** A role or provider of that name already exists. */
  entityAlreadyExists: (message: string) => new IamError('EntityAlreadyExists', 'InvalidParameterException', message),
  /** A policy document that is not one. */
  malformedPolicyDocument: (message: string) => new IamError('MalformedPolicyDocument', 'InvalidParameterException', message),
  /** The entity kept changing under a read-modify-write (IAM's ConcurrentModification). */
  concurrentModification: (message: string) => new IamError('ConcurrentModification', 'ConcurrentModificationException', message),
  /** A name, path or URL outside what IAM accepts. */
  validation: (message: string) => new IamError('ValidationError', 'InvalidParameterException', message),
};
