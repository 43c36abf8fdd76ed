/**
 * The IAM registry (query protocol, SigV4 with the admin credentials, service `iam`): the role and
 * identity-provider calls identity pools need, action names → action modules.
 */
import type { QueryAction } from '../query-action.js';
import CreateOpenIDConnectProvider from './CreateOpenIDConnectProvider.js';
import CreateRole from './CreateRole.js';
import CreateSAMLProvider from './CreateSAMLProvider.js';
import DeleteOpenIDConnectProvider from './DeleteOpenIDConnectProvider.js';
import DeleteRole from './DeleteRole.js';
import DeleteRolePolicy from './DeleteRolePolicy.js';
import DeleteSAMLProvider from './DeleteSAMLProvider.js';
import GetOpenIDConnectProvider from './GetOpenIDConnectProvider.js';
import GetRole from './GetRole.js';
import GetRolePolicy from './GetRolePolicy.js';
import PutRolePolicy from './PutRolePolicy.js';
import UpdateAssumeRolePolicy from './UpdateAssumeRolePolicy.js';

export const iamActions: Readonly<Record<string, QueryAction>> = {
  CreateOpenIDConnectProvider,
  CreateRole,
  CreateSAMLProvider,
  DeleteOpenIDConnectProvider,
  DeleteRole,
  DeleteRolePolicy,
  DeleteSAMLProvider,
  GetOpenIDConnectProvider,
  GetRole,
  GetRolePolicy,
  PutRolePolicy,
  UpdateAssumeRolePolicy,
};
