/**
 * The registry: `X-Amz-Target` action names → action modules, per service.
 * Operations in the API model without a module here answer UnsupportedOperationException.
 */
import type { Action } from './action.js';
import { identityActions } from './identity/index.js';
import AddCustomAttributes from './AddCustomAttributes.js';
import AdminAddUserToGroup from './AdminAddUserToGroup.js';
import AdminConfirmSignUp from './AdminConfirmSignUp.js';
import AdminCreateUser from './AdminCreateUser.js';
import AdminDeleteUser from './AdminDeleteUser.js';
import AdminDeleteUserAttributes from './AdminDeleteUserAttributes.js';
import AdminDisableUser from './AdminDisableUser.js';
import AdminEnableUser from './AdminEnableUser.js';
import AdminForgetDevice from './AdminForgetDevice.js';
import AdminGetDevice from './AdminGetDevice.js';
import AdminGetUser from './AdminGetUser.js';
import AdminGetUserAuthFactors from './AdminGetUserAuthFactors.js';
import GetUserAuthFactors from './GetUserAuthFactors.js';
import AdminInitiateAuth from './AdminInitiateAuth.js';
import AdminListDevices from './AdminListDevices.js';
import AdminListGroupsForUser from './AdminListGroupsForUser.js';
import AdminRemoveUserFromGroup from './AdminRemoveUserFromGroup.js';
import AdminResetUserPassword from './AdminResetUserPassword.js';
import AdminRespondToAuthChallenge from './AdminRespondToAuthChallenge.js';
import AdminSetUserMFAPreference from './AdminSetUserMFAPreference.js';
import AdminSetUserPassword from './AdminSetUserPassword.js';
import AdminSetUserSettings from './AdminSetUserSettings.js';
import AdminUpdateDeviceStatus from './AdminUpdateDeviceStatus.js';
import AdminUpdateUserAttributes from './AdminUpdateUserAttributes.js';
import AdminUserGlobalSignOut from './AdminUserGlobalSignOut.js';
import AssociateSoftwareToken from './AssociateSoftwareToken.js';
import ChangePassword from './ChangePassword.js';
import ConfirmDevice from './ConfirmDevice.js';
import ConfirmForgotPassword from './ConfirmForgotPassword.js';
import ConfirmSignUp from './ConfirmSignUp.js';
import CreateGroup from './CreateGroup.js';
import CreateUserImportJob from './CreateUserImportJob.js';
import CreateUserPool from './CreateUserPool.js';
import CreateUserPoolClient from './CreateUserPoolClient.js';
import CreateUserPoolDomain from './CreateUserPoolDomain.js';
import CreateUserPoolReplica from './CreateUserPoolReplica.js';
import DeleteUserPoolReplica from './DeleteUserPoolReplica.js';
import ListUserPoolReplicas from './ListUserPoolReplicas.js';
import UpdateUserPoolReplica from './UpdateUserPoolReplica.js';
import CreateIdentityProvider from './CreateIdentityProvider.js';
import DescribeIdentityProvider from './DescribeIdentityProvider.js';
import UpdateIdentityProvider from './UpdateIdentityProvider.js';
import DeleteIdentityProvider from './DeleteIdentityProvider.js';
import GetIdentityProviderByIdentifier from './GetIdentityProviderByIdentifier.js';
import ListIdentityProviders from './ListIdentityProviders.js';
import AdminLinkProviderForUser from './AdminLinkProviderForUser.js';
import AdminDisableProviderForUser from './AdminDisableProviderForUser.js';
import DeleteGroup from './DeleteGroup.js';
import DeleteUser from './DeleteUser.js';
import DeleteUserAttributes from './DeleteUserAttributes.js';
import DeleteUserPool from './DeleteUserPool.js';
import DeleteUserPoolClient from './DeleteUserPoolClient.js';
import DeleteUserPoolDomain from './DeleteUserPoolDomain.js';
import DescribeUserImportJob from './DescribeUserImportJob.js';
import DescribeUserPool from './DescribeUserPool.js';
import DescribeUserPoolDomain from './DescribeUserPoolDomain.js';
import DescribeUserPoolClient from './DescribeUserPoolClient.js';
import ForgetDevice from './ForgetDevice.js';
import ForgotPassword from './ForgotPassword.js';
import GetCSVHeader from './GetCSVHeader.js';
import GetSigningCertificate from './GetSigningCertificate.js';
import GetDevice from './GetDevice.js';
import GetGroup from './GetGroup.js';
import GetTokensFromRefreshToken from './GetTokensFromRefreshToken.js';
import GetUser from './GetUser.js';
import GetUserAttributeVerificationCode from './GetUserAttributeVerificationCode.js';
import GetUserPoolMfaConfig from './GetUserPoolMfaConfig.js';
import GlobalSignOut from './GlobalSignOut.js';
import InitiateAuth from './InitiateAuth.js';
import ListDevices from './ListDevices.js';
import ListGroups from './ListGroups.js';
import ListUserImportJobs from './ListUserImportJobs.js';
import ListUserPoolClients from './ListUserPoolClients.js';
import ListUserPools from './ListUserPools.js';
import ListUsers from './ListUsers.js';
import ListUsersInGroup from './ListUsersInGroup.js';
import ResendConfirmationCode from './ResendConfirmationCode.js';
import RespondToAuthChallenge from './RespondToAuthChallenge.js';
import RevokeToken from './RevokeToken.js';
import SetUserMFAPreference from './SetUserMFAPreference.js';
import SetUserPoolMfaConfig from './SetUserPoolMfaConfig.js';
import SetUserSettings from './SetUserSettings.js';
import SignUp from './SignUp.js';
import StartUserImportJob from './StartUserImportJob.js';
import StopUserImportJob from './StopUserImportJob.js';
import UpdateDeviceStatus from './UpdateDeviceStatus.js';
import UpdateGroup from './UpdateGroup.js';
import UpdateUserAttributes from './UpdateUserAttributes.js';
import UpdateUserPool from './UpdateUserPool.js';
import UpdateUserPoolDomain from './UpdateUserPoolDomain.js';
import UpdateUserPoolClient from './UpdateUserPoolClient.js';
import VerifySoftwareToken from './VerifySoftwareToken.js';
import VerifyUserAttribute from './VerifyUserAttribute.js';
// issue 12: resource servers, branding, terms (domain/oauth/)
import CreateResourceServer from './CreateResourceServer.js';
import DescribeResourceServer from './DescribeResourceServer.js';
import UpdateResourceServer from './UpdateResourceServer.js';
import DeleteResourceServer from './DeleteResourceServer.js';
import ListResourceServers from './ListResourceServers.js';
import SetUICustomization from './SetUICustomization.js';
import GetUICustomization from './GetUICustomization.js';
import CreateManagedLoginBranding from './CreateManagedLoginBranding.js';
import DescribeManagedLoginBranding from './DescribeManagedLoginBranding.js';
import DescribeManagedLoginBrandingByClient from './DescribeManagedLoginBrandingByClient.js';
import UpdateManagedLoginBranding from './UpdateManagedLoginBranding.js';
import DeleteManagedLoginBranding from './DeleteManagedLoginBranding.js';
import CreateTerms from './CreateTerms.js';
import DescribeTerms from './DescribeTerms.js';
import ListTerms from './ListTerms.js';
import UpdateTerms from './UpdateTerms.js';
import DeleteTerms from './DeleteTerms.js';
import StartWebAuthnRegistration from './StartWebAuthnRegistration.js';
import CompleteWebAuthnRegistration from './CompleteWebAuthnRegistration.js';
import ListWebAuthnCredentials from './ListWebAuthnCredentials.js';
import DeleteWebAuthnCredential from './DeleteWebAuthnCredential.js';
import SetRiskConfiguration from './SetRiskConfiguration.js';
import DescribeRiskConfiguration from './DescribeRiskConfiguration.js';
import GetProvisionedLimit from './GetProvisionedLimit.js';
import UpdateProvisionedLimit from './UpdateProvisionedLimit.js';
import AdminListUserAuthEvents from './AdminListUserAuthEvents.js';
import AdminUpdateAuthEventFeedback from './AdminUpdateAuthEventFeedback.js';
import UpdateAuthEventFeedback from './UpdateAuthEventFeedback.js';
import GetLogDeliveryConfiguration from './GetLogDeliveryConfiguration.js';
import SetLogDeliveryConfiguration from './SetLogDeliveryConfiguration.js';
import TagResource from './TagResource.js';
import UntagResource from './UntagResource.js';
import ListTagsForResource from './ListTagsForResource.js';
import AddUserPoolClientSecret from './AddUserPoolClientSecret.js';
import ListUserPoolClientSecrets from './ListUserPoolClientSecrets.js';
import DeleteUserPoolClientSecret from './DeleteUserPoolClientSecret.js';

export const registry: Record<'cognito-idp' | 'cognito-identity', Readonly<Record<string, Action>>> = {
  'cognito-idp': {
    AddCustomAttributes,
    AdminAddUserToGroup,
    AdminConfirmSignUp,
    AdminCreateUser,
    AdminDeleteUser,
    AdminDeleteUserAttributes,
    AdminDisableUser,
    AdminEnableUser,
    AdminForgetDevice,
    AdminGetDevice,
    AdminGetUser,
    AdminGetUserAuthFactors,
    AdminInitiateAuth,
    AdminListDevices,
    AdminListGroupsForUser,
    AdminRemoveUserFromGroup,
    AdminResetUserPassword,
    AdminRespondToAuthChallenge,
    AdminSetUserMFAPreference,
    AdminSetUserPassword,
    AdminSetUserSettings,
    AdminUpdateDeviceStatus,
    AdminUpdateUserAttributes,
    AdminUserGlobalSignOut,
    AssociateSoftwareToken,
    ChangePassword,
    ConfirmDevice,
    ConfirmForgotPassword,
    ConfirmSignUp,
    CreateGroup,
    CreateUserImportJob,
    CreateUserPool,
    CreateUserPoolClient,
    CreateUserPoolDomain,
    CreateUserPoolReplica,
    DeleteUserPoolReplica,
    ListUserPoolReplicas,
    UpdateUserPoolReplica,
    CreateIdentityProvider,
    DescribeIdentityProvider,
    UpdateIdentityProvider,
    DeleteIdentityProvider,
    GetIdentityProviderByIdentifier,
    ListIdentityProviders,
    AdminLinkProviderForUser,
    AdminDisableProviderForUser,
    DeleteGroup,
    DeleteUser,
    DeleteUserAttributes,
    DeleteUserPool,
    DeleteUserPoolClient,
    DeleteUserPoolDomain,
    DescribeUserImportJob,
    DescribeUserPool,
    DescribeUserPoolDomain,
    DescribeUserPoolClient,
    ForgetDevice,
    ForgotPassword,
    GetCSVHeader,
    GetSigningCertificate,
    GetDevice,
    GetGroup,
    GetTokensFromRefreshToken,
    GetUser,
    GetUserAuthFactors,
    GetUserAttributeVerificationCode,
    GetUserPoolMfaConfig,
    GlobalSignOut,
    InitiateAuth,
    ListDevices,
    ListGroups,
    ListUserImportJobs,
    ListUserPoolClients,
    ListUserPools,
    ListUsers,
    ListUsersInGroup,
    ResendConfirmationCode,
    RespondToAuthChallenge,
    RevokeToken,
    SetUserMFAPreference,
    SetUserPoolMfaConfig,
    SetUserSettings,
    SignUp,
    StartUserImportJob,
    StopUserImportJob,
    UpdateDeviceStatus,
    UpdateGroup,
    UpdateUserAttributes,
    UpdateUserPool,
    UpdateUserPoolDomain,
    UpdateUserPoolClient,
    VerifySoftwareToken,
    VerifyUserAttribute,
    CreateResourceServer,
    DescribeResourceServer,
    UpdateResourceServer,
    DeleteResourceServer,
    ListResourceServers,
    SetUICustomization,
    GetUICustomization,
    CreateManagedLoginBranding,
    DescribeManagedLoginBranding,
    DescribeManagedLoginBrandingByClient,
    UpdateManagedLoginBranding,
    DeleteManagedLoginBranding,
    CreateTerms,
    DescribeTerms,
    ListTerms,
    UpdateTerms,
    DeleteTerms,
    StartWebAuthnRegistration,
    CompleteWebAuthnRegistration,
    ListWebAuthnCredentials,
    DeleteWebAuthnCredential,
    // threat protection (domain/threat-protection/)
    SetRiskConfiguration,
    DescribeRiskConfiguration,
    GetProvisionedLimit,
    UpdateProvisionedLimit,
    AdminListUserAuthEvents,
    AdminUpdateAuthEventFeedback,
    UpdateAuthEventFeedback,
    GetLogDeliveryConfiguration,
    SetLogDeliveryConfiguration,
    TagResource,
    UntagResource,
    ListTagsForResource,
    AddUserPoolClientSecret,
    ListUserPoolClientSecrets,
    DeleteUserPoolClientSecret,
  },
  'cognito-identity': identityActions,
};
