/**
 * The cognito-identity registry (`AWSCognitoIdentityService.*` targets): action names → action modules.
 * Operations in the API model without a module here answer UnsupportedOperationException.
 */
import type { Action } from '../action.js';
import CreateIdentityPool from './CreateIdentityPool.js';
import DeleteIdentities from './DeleteIdentities.js';
import DeleteIdentityPool from './DeleteIdentityPool.js';
import DescribeIdentity from './DescribeIdentity.js';
import DescribeIdentityPool from './DescribeIdentityPool.js';
import GetCredentialsForIdentity from './GetCredentialsForIdentity.js';
import GetId from './GetId.js';
import GetIdentityPoolRoles from './GetIdentityPoolRoles.js';
import GetOpenIdToken from './GetOpenIdToken.js';
import GetOpenIdTokenForDeveloperIdentity from './GetOpenIdTokenForDeveloperIdentity.js';
import GetPrincipalTagAttributeMap from './GetPrincipalTagAttributeMap.js';
import ListIdentities from './ListIdentities.js';
import ListIdentityPools from './ListIdentityPools.js';
import ListTagsForResource from './ListTagsForResource.js';
import LookupDeveloperIdentity from './LookupDeveloperIdentity.js';
import MergeDeveloperIdentities from './MergeDeveloperIdentities.js';
import SetIdentityPoolRoles from './SetIdentityPoolRoles.js';
import SetPrincipalTagAttributeMap from './SetPrincipalTagAttributeMap.js';
import TagResource from './TagResource.js';
import UnlinkDeveloperIdentity from './UnlinkDeveloperIdentity.js';
import UnlinkIdentity from './UnlinkIdentity.js';
import UntagResource from './UntagResource.js';
import UpdateIdentityPool from './UpdateIdentityPool.js';

export const identityActions: Readonly<Record<string, Action>> = {
  CreateIdentityPool,
  DeleteIdentities,
  DeleteIdentityPool,
  DescribeIdentity,
  DescribeIdentityPool,
  GetCredentialsForIdentity,
  GetId,
  GetIdentityPoolRoles,
  GetOpenIdToken,
  GetOpenIdTokenForDeveloperIdentity,
  GetPrincipalTagAttributeMap,
  ListIdentities,
  ListIdentityPools,
  ListTagsForResource,
  LookupDeveloperIdentity,
  MergeDeveloperIdentities,
  SetIdentityPoolRoles,
  SetPrincipalTagAttributeMap,
  TagResource,
  UnlinkDeveloperIdentity,
  UnlinkIdentity,
  UntagResource,
  UpdateIdentityPool,
};
