/** The types of a loaded botocore service model (see ../model.ts). @module */

/** The three Cognito services whose models ship with Cognate. */
export type ServiceName = 'cognito-idp' | 'cognito-identity' | 'cognito-sync';

/** A reference from a structure member, list member, map key or map value to a named shape. */
export interface ShapeRef {
  readonly shape: string;
  /** REST binding of a member (Cognito Sync): `uri`, `querystring`, `header` or `headers`; absent for the body. */
  readonly location?: string;
  readonly locationName?: string;
}

/** One shape of a botocore model, as stored (documentation stripped). */
export interface ShapeModel {
  readonly type: 'structure' | 'string' | 'integer' | 'long' | 'boolean' | 'list' | 'map' | 'timestamp' | 'blob' | 'double' | 'float';
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly sensitive?: boolean;
  /** A `smithy.api#Document`: any JSON value. */
  readonly document?: boolean;
  readonly exception?: boolean;
}

/** One operation of a service. */
export interface OperationModel {
  readonly name: string;
  /** True when clients call it without SigV4 (`authtype: "none"` / `smithy.api#noAuth`). */
  readonly unsigned: boolean;
  readonly inputShape?: string;
  readonly outputShape?: string;
  /** Names of the error shapes the model declares for it. */
  readonly errors: readonly string[];
  readonly http?: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
}

/** A loaded service model. */
export interface ServiceModel {
  readonly name: ServiceName;
  /** The `X-Amz-Target` prefix (`AWSCognitoIdentityProviderService`); absent for the REST service cognito-sync. */
  readonly targetPrefix?: string;
  /** The wire protocol: `json` (awsJson1_1) or `rest-json`. */
  readonly protocol: string;
  /** The operation by its exact (case-sensitive) name, or undefined. */
  operation(name: string): OperationModel | undefined;
  /** Every operation name, in model order. */
  operationNames(): string[];
  /** A shape by name, or undefined. */
  shape(name: string): ShapeModel | undefined;
  /** Every shape name, in model order. */
  shapeNames(): string[];
}

export interface RawOperation {
  name: string;
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
  authtype?: string;
  auth?: string[];
}

export interface RawModel {
  metadata: { targetPrefix?: string; protocol: string };
  operations: Record<string, RawOperation>;
  shapes: Record<string, ShapeModel>;
}
