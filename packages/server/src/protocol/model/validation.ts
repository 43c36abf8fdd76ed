/**
 * A loaded service model and the validators compiled from its shapes: structures, lists and maps here, scalars in
 * ./scalars.ts. See ../model.ts for the behaviour, which matches AWS's front end.
 *
 * @module
 */
import { CognitoError } from '../../errors.js';
import { at, echoList, echoMap, jsonToken, lowerFirst, typeError, ViolationLog, type Validator } from './messages.js';
import { COERCIBLE, coercingValidator, compileScalar, isScalar, lengthRules, scalarValidator, type ScalarSpec } from './scalars.js';
import type { OperationModel, RawModel, ServiceModel, ServiceName, ShapeModel } from './types.js';

/** A service model as read from its file, with a validator compiled per shape on first use and cached. */
export class LoadedModel implements ServiceModel {
  readonly name: ServiceName;
  readonly targetPrefix?: string;
  readonly protocol: string;
  private readonly ops = new Map<string, OperationModel>();
  private readonly shapes = new Map<string, ShapeModel>();
  private readonly validators = new Map<string, Validator>();
  private readonly scalars = new Map<string, ScalarSpec | null>();

  constructor(name: ServiceName, raw: RawModel) {
    this.name = name;
    if (raw.metadata.targetPrefix !== undefined) this.targetPrefix = raw.metadata.targetPrefix;
    this.protocol = raw.metadata.protocol;
    for (const [shapeName, shape] of Object.entries(raw.shapes)) this.shapes.set(shapeName, shape);
    for (const [opName, op] of Object.entries(raw.operations)) {
      const model: OperationModel = {
        name: op.name ?? opName,
        unsigned: op.authtype === 'none' || (op.auth?.includes('smithy.api#noAuth') ?? false),
        errors: (op.errors ?? []).map((e) => e.shape),
        ...(op.input ? { inputShape: op.input.shape } : {}),
        ...(op.output ? { outputShape: op.output.shape } : {}),
        ...(op.http ? { http: op.http } : {}),
      };
      this.ops.set(opName, Object.freeze(model));
    }
  }

  operation(name: string): OperationModel | undefined {
    return this.ops.get(name);
  }
  operationNames(): string[] {
    return [...this.ops.keys()];
  }
  shape(name: string): ShapeModel | undefined {
    return this.shapes.get(name);
  }
  shapeNames(): string[] {
    return [...this.shapes.keys()];
  }

  private requireShape(name: string): ShapeModel {
    const shape = this.shapes.get(name);
    if (!shape) throw new Error(`${this.name} model: unknown shape ${name}`);
    return shape;
  }

  /** The validator of a shape in a (non-)sensitive context, compiled on first use and cached. */
  validator(shapeName: string, sensitive = false): Validator {
    const key = sensitive ? `${shapeName}!` : shapeName;
    const cached = this.validators.get(key);
    if (cached) return cached;
    // A forwarding stub first, so recursive shapes terminate; it is replaced once the real validator exists.
    let real: Validator | undefined;
    this.validators.set(key, (v, p, c) => real!(v, p, c));
    real = this.compile(shapeName, sensitive);
    this.validators.set(key, real);
    return real;
  }

  /** The scalar description of a shape, or null if it is a structure, list or map. */
  scalar(shapeName: string): ScalarSpec | null {
    let spec = this.scalars.get(shapeName);
    if (spec === undefined) {
      const shape = this.requireShape(shapeName);
      spec = isScalar(shape) ? compileScalar(shape) : null;
      this.scalars.set(shapeName, spec);
    }
    return spec;
  }

  private compile(shapeName: string, inheritedSensitive: boolean): Validator {
    const shape = this.requireShape(shapeName);
    const sensitive = inheritedSensitive || shape.sensitive === true;
    switch (shape.type) {
      case 'structure':
        return shape.document ? () => {} : this.compileStructure(shape, sensitive);
      case 'list':
        return this.compileList(shape, sensitive);
      case 'map':
        return this.compileMap(shape, sensitive);
      default: {
        const spec = this.scalar(shapeName)!;
        return scalarValidator(spec, sensitive);
      }
    }
  }

  private compileStructure(shape: ShapeModel, sensitive: boolean): Validator {
    const required = new Set(shape.required ?? []);
    const members = Object.entries(shape.members ?? {})
      .map(([key, ref]) => {
        const wire = lowerFirst(key);
        const spec = this.scalar(ref.shape);
        const location = ref.location;
        let validate = this.validator(ref.shape, sensitive);
        if (spec && location && location !== 'headers' && COERCIBLE.has(spec.kind)) {
          validate = coercingValidator(spec, sensitive || this.requireShape(ref.shape).sensitive === true);
        }
        return {
          key,
          wire,
          dotted: `.${wire}`,
          required: required.has(key),
          // Member names such as "constructor" would read Object.prototype; such members are looked up as own keys.
          own: key in Object.prototype,
          validate,
        };
      })
      .sort((a, b) => (a.wire < b.wire ? -1 : a.wire > b.wire ? 1 : 0));
    return (value, path, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(value, 'a Structure', path);
      const obj = value as Record<string, unknown>;
      for (const m of members) {
        const v = m.own ? (Object.hasOwn(obj, m.key) ? obj[m.key] : undefined) : obj[m.key];
        if (v === undefined || v === null) {
          if (v === null) delete obj[m.key];
          if (m.required) {
            ctx.add(`Value null at '${path === '' ? m.wire : path + m.dotted}' failed to satisfy constraint: Member must not be null`);
          }
          continue;
        }
        m.validate(v, path === '' ? m.wire : path + m.dotted, ctx);
      }
    };
  }

  private compileList(shape: ShapeModel, inheritedSensitive: boolean): Validator {
    const memberRef = shape.member!;
    const memberShape = this.requireShape(memberRef.shape);
    const sensitive = inheritedSensitive || memberShape.sensitive === true;
    const spec = this.scalar(memberRef.shape);
    const lengthRule = lengthRules(shape, 'length');
    const memberRule = spec && spec.rules.length > 0 ? `Member must satisfy constraint: [${spec.rules.join(', ')}]` : undefined;
    const item = spec ? undefined : this.validator(memberRef.shape, sensitive);
    return (value, path, ctx) => {
      if (!Array.isArray(value)) throw typeError(value, 'a List', path);
      let count = 0;
      let memberFailed = false;
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null || value[i] === undefined) {
          throw new CognitoError('SerializationException', `Null value found in list${at(`${path}.${i + 1}.member`)}.`);
        }
      }
      if (lengthRule) {
        for (const e of value) if (e !== null && e !== undefined) count++;
        const failed = lengthRule(count);
        if (failed) ctx.add(`Value${sensitive ? '' : echoList(value)} at '${path}' failed to satisfy constraint: ${failed}`);
      }
      for (let i = 0; i < value.length; i++) {
        const e: unknown = value[i];
        if (e === null || e === undefined) continue;
        if (spec) {
          const parsed = spec.read(e, sensitive, `${path}.${i + 1}.member`);
          if (spec.check && !memberFailed && spec.check(parsed) !== undefined) memberFailed = true;
        } else {
          item!(e, `${path}.${i + 1}.member`, ctx);
        }
      }
      if (memberFailed) ctx.add(`Value${sensitive ? '' : echoList(value)} at '${path}' failed to satisfy constraint: ${memberRule}`);
    };
  }

  private compileMap(shape: ShapeModel, inheritedSensitive: boolean): Validator {
    const mapSensitive = inheritedSensitive || shape.sensitive === true;
    const keySpec = this.scalar(shape.key!.shape);
    const valueShape = this.requireShape(shape.value!.shape);
    const valueSensitive = mapSensitive || valueShape.sensitive === true;
    const valueSpec = this.scalar(shape.value!.shape);
    const entry = valueSpec ? undefined : this.validator(shape.value!.shape, mapSensitive);
    const lengthRule = lengthRules(shape, 'length');
    const keyRule = keySpec?.check && keySpec.rules.length > 0 ? `Map keys must satisfy constraint: [${keySpec.rules.join(', ')}]` : undefined;
    const valueRule =
      valueSpec?.check && valueSpec.rules.length > 0 ? `Map value must satisfy constraint: [${valueSpec.rules.join(', ')}]` : undefined;
    return (value, path, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw typeError(value, 'a Map', path);
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      let keyFailed = false;
      let valueFailed = false;
      let count = 0;
      for (const k of keys) {
        const v = obj[k];
        if (v === null || v === undefined) {
          delete obj[k];
          continue;
        }
        count++;
        if (keyRule && !keyFailed && keySpec!.check!(k) !== undefined) keyFailed = true;
        if (valueSpec) {
          const parsed = valueSpec.read(v, valueSensitive, `${path}.${k}`);
          if (valueRule && !valueFailed && valueSpec.check!(parsed) !== undefined) valueFailed = true;
        } else {
          entry!(v, `${path}.${k}.member`, ctx);
        }
      }
      const echo = valueSensitive || !valueSpec ? '' : echoMap(obj, keys);
      if (lengthRule) {
        const failed = lengthRule(count);
        if (failed) ctx.add(`Value${echo} at '${path}' failed to satisfy constraint: ${failed}`);
      }
      if (keyFailed) ctx.add(`Value${echo} at '${path}' failed to satisfy constraint: ${keyRule}`);
      if (valueFailed) ctx.add(`Value${echo} at '${path}' failed to satisfy constraint: ${valueRule}`);
    };
  }
}

/**
 * Rejects JSON nested deeper than `max` arrays/objects (the top-level object is level 1). `JSON.parse` accepts any
 * depth, and deep input would otherwise reach recursive code (validation, stores, logging).
 *
 * @param value - a parsed JSON value
 * @param max - the deepest nesting allowed, 32 by default
 * @throws CognitoError SerializationException when the value is nested deeper
 */
export function assertDepth(value: unknown, max = 32): void {
  if (typeof value === 'object' && value !== null && exceeds(value, max)) {
    throw new CognitoError('SerializationException', `The request body is nested deeper than ${max} levels.`);
  }
}

/** True if `value` (an object or array, counting as one level) has more than `budget` levels. */
function exceeds(value: object, budget: number): boolean {
  if (budget <= 0) return true;
  if (Array.isArray(value)) {
    for (const e of value) if (typeof e === 'object' && e !== null && exceeds(e, budget - 1)) return true;
    return false;
  }
  for (const k in value) {
    const e = (value as Record<string, unknown>)[k];
    if (typeof e === 'object' && e !== null && exceeds(e, budget - 1)) return true;
  }
  return false;
}

/**
 * The exception each service answers model-constraint violations with: Cognito user pools (and Sync) use their own
 * `InvalidParameterException`, Cognito identity pools answer with the AWS front end's generic `ValidationException`
 * (`1 validation error detected: Value 'us-east-1_x' at 'identityPoolId' failed to satisfy constraint: ...`, as real
 * GetId and CreateIdentityPool answers show). The message is the same in both.
 */
export const CONSTRAINT_ERROR: Readonly<Record<ServiceName, 'InvalidParameterException' | 'ValidationException'>> = {
  'cognito-idp': 'InvalidParameterException',
  'cognito-identity': 'ValidationException',
  'cognito-sync': 'InvalidParameterException',
};

/**
 * Validates a parsed request body against the operation's input shape, as AWS does before any business logic.
 *
 * @param model - the service model the operation belongs to (from {@link loadServiceModel})
 * @param op - the operation
 * @param input - the parsed JSON body (for REST operations: body, URI labels, query string and headers merged by member name)
 * @throws CognitoError `SerializationException` if the body is not a JSON object, is nested deeper than 32 levels or
 *   has a member of the wrong JSON type; otherwise the service's {@link CONSTRAINT_ERROR} (`InvalidParameterException`,
 *   `ValidationException` for cognito-identity) listing the constraint violations.
 */
export function validateInput(model: ServiceModel, op: OperationModel, input: unknown): void {
  if (!(model instanceof LoadedModel)) throw new TypeError('validateInput needs a model from loadServiceModel()');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    if (Array.isArray(input)) throw new CognitoError('SerializationException', 'Start of list found where not expected.');
    throw new CognitoError('SerializationException', `The request body must be a JSON object, found ${jsonToken(input)}.`);
  }
  assertDepth(input);
  if (op.inputShape === undefined) return;
  const ctx = new ViolationLog();
  model.validator(op.inputShape)(input, '', ctx);
  if (ctx.count > 0) {
    const noun = ctx.count === 1 ? 'error' : 'errors';
    throw new CognitoError(CONSTRAINT_ERROR[model.name], `${ctx.count} validation ${noun} detected: ${ctx.messages.join('; ')}`);
  }
}
