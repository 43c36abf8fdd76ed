/**
 * The cognito-identity registry (`AWSCognitoIdentityService.*` targets): action names → action modules.
 * Operations in the API model without a module here answer UnsupportedOperationException.
 */
import type { Action } from '../action.js';

export const identityActions: Readonly<Record<string, Action>> = {};
