/**
 * The registry: `X-Amz-Target` action names → action modules, per service.
 * Operations in the API model without a module here answer UnsupportedOperationException.
 */
import type { Action } from './action.js';
import AdminGetUser from './AdminGetUser.js';
import AdminInitiateAuth from './AdminInitiateAuth.js';
import AdminRespondToAuthChallenge from './AdminRespondToAuthChallenge.js';
import ConfirmSignUp from './ConfirmSignUp.js';
import CreateUserPool from './CreateUserPool.js';
import CreateUserPoolClient from './CreateUserPoolClient.js';
import DeleteUserPool from './DeleteUserPool.js';
import DeleteUserPoolClient from './DeleteUserPoolClient.js';
import DescribeUserPool from './DescribeUserPool.js';
import DescribeUserPoolClient from './DescribeUserPoolClient.js';
import GetTokensFromRefreshToken from './GetTokensFromRefreshToken.js';
import GetUser from './GetUser.js';
import GlobalSignOut from './GlobalSignOut.js';
import InitiateAuth from './InitiateAuth.js';
import ListUserPoolClients from './ListUserPoolClients.js';
import ListUserPools from './ListUserPools.js';
import ResendConfirmationCode from './ResendConfirmationCode.js';
import RespondToAuthChallenge from './RespondToAuthChallenge.js';
import RevokeToken from './RevokeToken.js';
import SignUp from './SignUp.js';
import UpdateUserPool from './UpdateUserPool.js';
import UpdateUserPoolClient from './UpdateUserPoolClient.js';

export const registry: Record<'cognito-idp' | 'cognito-identity', Readonly<Record<string, Action>>> = {
  'cognito-idp': {
    AdminGetUser,
    AdminInitiateAuth,
    AdminRespondToAuthChallenge,
    ConfirmSignUp,
    CreateUserPool,
    CreateUserPoolClient,
    DeleteUserPool,
    DeleteUserPoolClient,
    DescribeUserPool,
    DescribeUserPoolClient,
    GetTokensFromRefreshToken,
    GetUser,
    GlobalSignOut,
    InitiateAuth,
    ListUserPoolClients,
    ListUserPools,
    ResendConfirmationCode,
    RespondToAuthChallenge,
    RevokeToken,
    SignUp,
    UpdateUserPool,
    UpdateUserPoolClient,
  },
  'cognito-identity': {},
};
