/**
 * Cognito's API operation categories and their default (free) request rates, from the developer
 * guide's "Quotas in Amazon Cognito" — "Amazon Cognito user pools API operation categories and
 * request rate quotas". A category's rate covers all its operations together. Operations the guide's
 * table doesn't list (added to the API since) are placed by the category descriptions: reads of a
 * pool's resources with UserPoolResourceRead, and so on. docs/rate-limits.md has the table.
 */
export interface CategoryDefinition {
  /** Requests per second included at no cost (the quota's default value). */
  free: number;
  /** Whether the quota can be raised (UpdateProvisionedLimit; Service Quotas in Cognito). */
  adjustable: boolean;
  /**
   * The categories marked with an asterisk in Cognito's table: besides the category rate, any one
   * operation in them is held to 5 requests per second per user pool.
   */
  perOperationLimit?: number;
}

export const CATEGORIES = {
  UserAuthentication: { free: 120, adjustable: true },
  UserCreation: { free: 50, adjustable: true },
  UserFederation: { free: 25, adjustable: true },
  UserAccountRecovery: { free: 30, adjustable: false },
  UserRead: { free: 120, adjustable: true },
  UserUpdate: { free: 25, adjustable: false },
  UserResourceRead: { free: 50, adjustable: true },
  UserResourceUpdate: { free: 25, adjustable: false },
  UserList: { free: 30, adjustable: false },
  UserPoolRead: { free: 15, adjustable: false },
  UserPoolUpdate: { free: 15, adjustable: false },
  UserPoolResourceRead: { free: 20, adjustable: false, perOperationLimit: 5 },
  UserPoolResourceUpdate: { free: 15, adjustable: false, perOperationLimit: 5 },
  UserPoolClientRead: { free: 15, adjustable: false, perOperationLimit: 5 },
  UserPoolClientUpdate: { free: 15, adjustable: false, perOperationLimit: 5 },
  UserToken: { free: 120, adjustable: false },
  ClientAuthentication: { free: 150, adjustable: true },
} as const satisfies Record<string, CategoryDefinition>;

export type Category = keyof typeof CATEGORIES;

export const isCategory = (name: string): name is Category => Object.hasOwn(CATEGORIES, name);

const table: Record<Category, readonly string[]> = {
  // RespondToAuthChallenge and AdminRespondToAuthChallenge have Cognito's special handling
  // (limiter.ts): their own allowance of three times the category rate, the excess counted here.
  UserAuthentication: ['AdminInitiateAuth', 'InitiateAuth', 'AdminRespondToAuthChallenge', 'RespondToAuthChallenge', 'GetTokensFromRefreshToken'],
  UserCreation: ['SignUp', 'ConfirmSignUp', 'AdminCreateUser', 'AdminConfirmSignUp', 'ResendConfirmationCode'],
  // Federation happens on the managed-login endpoints (idpresponse), not through an API operation.
  UserFederation: [],
  UserAccountRecovery: ['ChangePassword', 'ConfirmForgotPassword', 'ForgotPassword', 'AdminResetUserPassword', 'AdminSetUserPassword'],
  UserRead: ['AdminGetUser', 'GetUser', 'AdminGetUserAuthFactors', 'GetUserAuthFactors'],
  UserUpdate: [
    'AdminDeleteUser', 'AdminDeleteUserAttributes', 'AdminDisableProviderForUser', 'AdminDisableUser', 'AdminEnableUser', 'AdminLinkProviderForUser',
    'AdminSetUserMFAPreference', 'AdminSetUserSettings', 'AdminUpdateUserAttributes', 'DeleteUser', 'DeleteUserAttributes', 'SetUserMFAPreference',
    'SetUserSettings', 'UpdateUserAttributes', 'VerifyUserAttribute', 'GetUserAttributeVerificationCode', 'AssociateSoftwareToken', 'VerifySoftwareToken',
  ],
  UserResourceRead: ['AdminGetDevice', 'AdminListDevices', 'AdminListGroupsForUser', 'GetDevice', 'ListDevices', 'AdminListUserAuthEvents', 'ListWebAuthnCredentials'],
  UserResourceUpdate: [
    'AdminAddUserToGroup', 'AdminRemoveUserFromGroup', 'AdminForgetDevice', 'AdminUpdateDeviceStatus', 'ConfirmDevice', 'ForgetDevice', 'UpdateDeviceStatus',
    'AdminUpdateAuthEventFeedback', 'UpdateAuthEventFeedback', 'StartWebAuthnRegistration', 'CompleteWebAuthnRegistration', 'DeleteWebAuthnCredential',
  ],
  UserList: ['ListUsers', 'ListUsersInGroup'],
  UserPoolRead: ['DescribeUserPool', 'ListUserPools', 'GetUserPoolMfaConfig', 'GetLogDeliveryConfiguration', 'ListUserPoolReplicas', 'GetProvisionedLimit'],
  UserPoolUpdate: [
    'CreateUserPool', 'UpdateUserPool', 'DeleteUserPool', 'AddCustomAttributes', 'SetUserPoolMfaConfig', 'SetLogDeliveryConfiguration',
    'CreateUserPoolReplica', 'UpdateUserPoolReplica', 'DeleteUserPoolReplica', 'UpdateProvisionedLimit',
  ],
  UserPoolResourceRead: [
    'DescribeIdentityProvider', 'DescribeResourceServer', 'DescribeUserImportJob', 'DescribeUserPoolDomain', 'GetCSVHeader', 'GetGroup',
    'GetIdentityProviderByIdentifier', 'GetSigningCertificate', 'GetUICustomization', 'ListGroups', 'ListIdentityProviders', 'ListResourceServers',
    'ListTagsForResource', 'ListUserImportJobs', 'DescribeRiskConfiguration', 'DescribeManagedLoginBranding', 'DescribeManagedLoginBrandingByClient',
    'DescribeTerms', 'ListTerms',
  ],
  UserPoolResourceUpdate: [
    'CreateGroup', 'UpdateGroup', 'DeleteGroup', 'CreateIdentityProvider', 'UpdateIdentityProvider', 'DeleteIdentityProvider', 'CreateResourceServer',
    'UpdateResourceServer', 'DeleteResourceServer', 'CreateUserImportJob', 'StartUserImportJob', 'StopUserImportJob', 'CreateUserPoolDomain',
    'UpdateUserPoolDomain', 'DeleteUserPoolDomain', 'SetRiskConfiguration', 'SetUICustomization', 'TagResource', 'UntagResource',
    'CreateManagedLoginBranding', 'UpdateManagedLoginBranding', 'DeleteManagedLoginBranding', 'CreateTerms', 'UpdateTerms', 'DeleteTerms',
  ],
  UserPoolClientRead: ['DescribeUserPoolClient', 'ListUserPoolClients', 'ListUserPoolClientSecrets'],
  UserPoolClientUpdate: ['CreateUserPoolClient', 'UpdateUserPoolClient', 'DeleteUserPoolClient', 'AddUserPoolClientSecret', 'DeleteUserPoolClientSecret'],
  UserToken: ['RevokeToken', 'GlobalSignOut', 'AdminUserGlobalSignOut'],
  // The client-credentials grant of the token endpoint (machine-to-machine), not an API operation.
  ClientAuthentication: [],
};

/** cognito-idp operation name → its category. */
export const OPERATION_CATEGORY: ReadonlyMap<string, Category> = new Map(
  (Object.entries(table) as [Category, readonly string[]][]).flatMap(([category, ops]) => ops.map((op) => [op, category] as const)),
);

/** The operations with Cognito's challenge-response allowance (three times UserAuthentication). */
export const CHALLENGE_RESPONSES: ReadonlySet<string> = new Set(['RespondToAuthChallenge', 'AdminRespondToAuthChallenge']);

/**
 * The managed-login (hosted UI) form posts and federation answers: what each spends. Cognito counts
 * managed login's sign-in, sign-up and password-reset requests in the same categories as the API
 * operations they stand for, and federation in UserFederation.
 */
export const MANAGED_LOGIN_CATEGORY: ReadonlyMap<string, Category> = new Map([
  ['/login', 'UserAuthentication'],
  ['/oauth2/authorize', 'UserAuthentication'],
  ['/signup', 'UserCreation'],
  ['/confirmUser', 'UserCreation'],
  ['/forgotPassword', 'UserAccountRecovery'],
  ['/confirmForgotPassword', 'UserAccountRecovery'],
  ['/oauth2/idpresponse', 'UserFederation'],
  ['/saml2/idpresponse', 'UserFederation'],
]);

/** The token endpoint's grants: the client-credentials grant is ClientAuthentication, the others sign a user in. */
export const tokenGrantCategory = (grantType: string): Category => (grantType === 'client_credentials' ? 'ClientAuthentication' : 'UserAuthentication');
