/**
 * Reading the three service models shipped in `packages/server/models/`, and resolving `X-Amz-Target` headers.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { OperationModel, RawModel, ServiceModel, ServiceName } from './types.js';
import { LoadedModel } from './validation.js';

const FILES: Record<ServiceName, string> = {
  'cognito-idp': 'cognito-idp.json',
  'cognito-identity': 'cognito-identity.json',
  'cognito-sync': 'cognito-sync.json',
};
const loaded = new Map<ServiceName, LoadedModel>();

/**
 * The model of a service, read from `packages/server/models/` on first use and cached for the process.
 * Validators are compiled lazily, per shape, the first time an operation using them is validated.
 *
 * @param name - `cognito-idp`, `cognito-identity` or `cognito-sync`
 * @throws Error if the model file cannot be read (a packaging fault)
 */
export function loadServiceModel(name: ServiceName): ServiceModel {
  let model = loaded.get(name);
  if (!model) {
    const file = FILES[name];
    if (!file) throw new Error(`unknown service model ${String(name)}`);
    const raw = JSON.parse(readFileSync(new URL(`../../../models/${file}`, import.meta.url), 'utf8')) as RawModel;
    // Cognito's front end does not hold DomainType to its pattern (one DNS label): custom domains
    // (`auth.example.com`) are accepted, and the service words its own refusal (domain/user-pool-domains.ts).
    if (name === 'cognito-idp' && raw.shapes.DomainType) raw.shapes.DomainType = { ...raw.shapes.DomainType, pattern: undefined } as typeof raw.shapes.DomainType;
    model = new LoadedModel(name, raw);
    loaded.set(name, model);
  }
  return model;
}

let targets: Map<string, { model: ServiceModel; op: OperationModel }> | undefined;

/**
 * Resolves an awsJson `X-Amz-Target` header (`AWSCognitoIdentityProviderService.SignUp`,
 * `AWSCognitoIdentityService.GetId`) to its service and operation. Matching is exact and case-sensitive, as AWS's.
 *
 * @param target - the header value
 * @returns the model and operation, or undefined for an unknown prefix or action (AWS: UnknownOperationException)
 */
export function operationForTarget(target: string): { model: ServiceModel; op: OperationModel } | undefined {
  if (!targets) {
    const table = new Map<string, { model: ServiceModel; op: OperationModel }>();
    for (const name of ['cognito-idp', 'cognito-identity'] as const) {
      const model = loadServiceModel(name);
      for (const opName of model.operationNames()) {
        table.set(`${model.targetPrefix}.${opName}`, { model, op: model.operation(opName)! });
      }
    }
    targets = table;
  }
  return targets.get(target);
}
