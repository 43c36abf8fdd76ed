/**
 * Output shapes shared by several actions: UserPoolType, UserPoolClientType, UserType, GroupType.
 * Timestamps are epoch seconds, as awsJson serialises them.
 */
import { POOL_MFA_SETTINGS, type UserPool } from '../domain/user-pools.js';
import type { AppClient } from '../domain/app-clients.js';
import { attributeList, type User } from '../domain/users.js';
import type { Group } from '../domain/groups.js';
import type { ImportJob } from '../domain/import-jobs.js';
import { userPoolArn } from '../domain/user-pool-tags.js';
import { userPoolArnIn, type Replica } from '../domain/replicas/replicas.js';

const seconds = (ms: number) => ms / 1000;

/** UserPoolType; `replica`: as the pool is described in that secondary's region (its ARN and tags). */
export function userPoolType(pool: UserPool, estimatedNumberOfUsers: number, replica?: Pick<Replica, 'region' | 'tags'>) {
  const settings: Record<string, unknown> = { ...pool.settings, IssuerConfiguration: { Type: pool.settings.IssuerConfiguration?.Type ?? 'ORIGINAL' } };
  if (replica) settings.UserPoolTags = replica.tags;
  for (const key of POOL_MFA_SETTINGS) delete settings[key];
  // Cognito echoes a VerificationMessageTemplate's messages in the legacy members too.
  const template = pool.settings.VerificationMessageTemplate;
  const legacy = { EmailVerificationMessage: template.EmailMessage, EmailVerificationSubject: template.EmailSubject, SmsVerificationMessage: template.SmsMessage };
  for (const [key, value] of Object.entries(legacy)) if (value !== undefined && settings[key] === undefined) settings[key] = value;
  return {
    Id: pool.id,
    Name: pool.name,
    ...settings,
    LastModifiedDate: seconds(pool.updatedAt),
    CreationDate: seconds(pool.createdAt),
    EstimatedNumberOfUsers: estimatedNumberOfUsers,
    Arn: replica ? userPoolArnIn(pool.id, replica.region) : userPoolArn(pool),
  };
}

/** UserPoolDescriptionType; `ReplicaRegions`: the regions of the pool's secondaries, when it has any. */
export function userPoolDescriptionType(pool: UserPool, replicas: readonly Pick<Replica, 'region'>[] = []) {
  return {
    Id: pool.id,
    Name: pool.name,
    LambdaConfig: pool.settings.LambdaConfig,
    LastModifiedDate: seconds(pool.updatedAt),
    CreationDate: seconds(pool.createdAt),
    ...(replicas.length > 0 ? { ReplicaRegions: replicas.map((r) => r.region) } : {}),
  };
}

export function userPoolClientType(client: AppClient) {
  return {
    UserPoolId: client.poolId,
    ClientName: client.name,
    ClientId: client.id,
    ...(client.secret !== undefined ? { ClientSecret: client.secret } : {}),
    LastModifiedDate: seconds(client.updatedAt),
    CreationDate: seconds(client.createdAt),
    ...client.settings,
  };
}

export function userType(user: User) {
  return {
    Username: user.username,
    Attributes: attributeList(user, undefined, { developerOnly: true }),
    UserCreateDate: seconds(user.createdAt),
    UserLastModifiedDate: seconds(user.updatedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

export function groupType(group: Group) {
  return {
    GroupName: group.name,
    UserPoolId: group.poolId,
    ...(group.description !== null ? { Description: group.description } : {}),
    ...(group.roleArn !== null ? { RoleArn: group.roleArn } : {}),
    ...(group.precedence !== null ? { Precedence: group.precedence } : {}),
    LastModifiedDate: seconds(group.updatedAt),
    CreationDate: seconds(group.createdAt),
  };
}

export function userImportJobType(job: ImportJob) {
  return {
    JobName: job.name,
    JobId: job.id,
    UserPoolId: job.poolId,
    PreSignedUrl: job.preSignedUrl,
    CreationDate: seconds(job.createdAt),
    ...(job.startedAt !== null ? { StartDate: seconds(job.startedAt) } : {}),
    ...(job.completedAt !== null ? { CompletionDate: seconds(job.completedAt) } : {}),
    Status: job.status,
    CloudWatchLogsRoleArn: job.cloudWatchLogsRoleArn,
    ImportedUsers: job.importedUsers,
    SkippedUsers: job.skippedUsers,
    FailedUsers: job.failedUsers,
    ...(job.completionMessage !== null ? { CompletionMessage: job.completionMessage } : {}),
    ...(job.passwordHashingAlgorithm !== null ? { PasswordHashingAlgorithm: job.passwordHashingAlgorithm } : {}),
  };
}
