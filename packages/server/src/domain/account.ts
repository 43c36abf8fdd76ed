/** Cognate has no AWS account; every ARN it makes or accepts as its own carries this placeholder account ID. */
export const ACCOUNT_ID = '000000000000';
