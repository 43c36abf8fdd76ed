/**
 * The official Cognito API models (botocore `service-2.json`, in `packages/server/models/`) as data, and
 * request validation generated from them.
 *
 * Every awsJson request body is checked against its operation's input shape the way AWS's front end
 * (Coral) does, so ~170 operations answer malformed input exactly like Cognito without hand-written schemas:
 *
 * - Deserialisation first: a body that is not a JSON object, or a member of the wrong JSON type, fails with
 *   `SerializationException` at the first problem found.
 * - Then constraints (`required`, `min`/`max`, `pattern`, `enum`), all collected into one
 *   `InvalidParameterException` worded like AWS: `2 validation errors detected: Value null at 'clientId' failed
 *   to satisfy constraint: Member must not be null; Value at 'username' failed to satisfy constraint: ...`.
 *
 * Choices, each matching what Cognito was seen to do or, where unobservable, the safer option:
 * - `null` is decided here, once, so no handler ever sees one (AWS's JSON protocol does the same): a `null`
 *   structure member or map value is an absent one and is removed from the input; a `null` list element is a
 *   `SerializationException`. Unknown members are ignored.
 * - Members of a structure are reported in alphabetical order of their wire path (a captured Cognito SignUp message
 *   lists `password` before `username`, although the model declares `Username` first). Within one value the order
 *   is length, pattern, enum.
 * - Lists of scalars and maps are reported once, at the list or map, with the member shape's whole constraint list
 *   (`Member must satisfy constraint: [...]`, `Map keys must satisfy constraint: [...]`,
 *   `Map value must satisfy constraint: [...]`), as Coral does. Lists of structures are reported per item:
 *   `userAttributes.1.member.name` (1-based). Values in maps of structures are reported at `map.<key>`.
 * - A value is echoed (`Value 'abc' at ...`) only when neither its shape nor any enclosing shape is `sensitive`
 *   and it renders in at most 256 characters; otherwise the message says `Value at ...`.
 * - String length is counted in Unicode code points (as Java's `codePointCount`, which Coral uses for `@length`).
 * - `integer` must be an integral JSON number in the Java `int` range, `long` an integral number in the JS safe
 *   range, `timestamp` a finite number (epoch seconds), `blob` a standard base64 string (padding optional) whose
 *   decoded size is what `min`/`max` bound.
 * - A pattern is not checked on a string already longer than its shape's `max` (that is reported anyway); this bounds
 *   the regex work per value, see {@link compileJavaPattern} for the rest of the ReDoS story.
 * - At most {@link MAX_LISTED_VIOLATIONS} violations are listed in the message; the count is always exact.
 * - For REST members bound to a URI label, query string or header (Cognito Sync), an `integer`, `long`, `boolean`
 *   or `timestamp` may also be given as the raw string from the request line.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { CognitoError } from '../errors.js';

// ------------------------------------------------------------------------------------------------
// Model types
// ------------------------------------------------------------------------------------------------

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

interface RawOperation {
  name: string;
  http?: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string };
  errors?: { shape: string }[];
  authtype?: string;
  auth?: string[];
}

interface RawModel {
  metadata: { targetPrefix?: string; protocol: string };
  operations: Record<string, RawOperation>;
  shapes: Record<string, ShapeModel>;
}

/** A compiled validator: throws SerializationException on a type error, records constraint violations in `ctx`. */
type Validator = (value: unknown, path: string, ctx: ViolationLog) => void;

/** At most this many violations are spelt out in one InvalidParameterException (the count stays exact). */
export const MAX_LISTED_VIOLATIONS = 100;

class ViolationLog {
  count = 0;
  readonly messages: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.messages.length < MAX_LISTED_VIOLATIONS) this.messages.push(message);
  }
}

class LoadedModel implements ServiceModel {
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
          entry!(v, `${path}.${k}`, ctx);
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

// ------------------------------------------------------------------------------------------------
// Scalars
// ------------------------------------------------------------------------------------------------

type ScalarKind = 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double';

/** A compiled scalar shape. */
interface ScalarSpec {
  readonly kind: ScalarKind;
  /** Type-checks a JSON value and returns what the constraints apply to (a blob's decoded size); throws SerializationException. */
  read(value: unknown, sensitive: boolean, path: string): unknown;
  /** The violated constraints, in AWS order, or undefined; absent when the shape has no constraint. */
  check?(value: unknown): string[] | undefined;
  /** Every constraint of the shape, in AWS order (for `Member must satisfy constraint: [...]`). */
  readonly rules: readonly string[];
  /** Whether a violation message may quote the value (strings and numbers; not blobs). */
  readonly echoes: boolean;
}

const COERCIBLE = new Set<ScalarKind>(['integer', 'long', 'boolean', 'timestamp', 'double']);
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

function isScalar(shape: ShapeModel): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map';
}

function lengthRules(shape: ShapeModel, noun: 'length' | 'value'): ((n: number) => string | undefined) | undefined {
  const { min, max } = shape;
  if (min === undefined && max === undefined) return undefined;
  const maxMsg = `Member must have ${noun} less than or equal to ${max}`;
  const minMsg = `Member must have ${noun} greater than or equal to ${min}`;
  return (n) => (max !== undefined && n > max ? maxMsg : min !== undefined && n < min ? minMsg : undefined);
}

function ruleList(shape: ShapeModel, noun: 'length' | 'value'): string[] {
  const rules: string[] = [];
  if (shape.max !== undefined) rules.push(`Member must have ${noun} less than or equal to ${shape.max}`);
  if (shape.min !== undefined) rules.push(`Member must have ${noun} greater than or equal to ${shape.min}`);
  if (shape.pattern !== undefined) rules.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.enum !== undefined) rules.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return rules;
}

/**
 * Number of Unicode code points in `s` (surrogate pairs count once), as Java's `String.codePointCount`.
 * @param s - any string
 */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function compileScalar(shape: ShapeModel): ScalarSpec {
  switch (shape.type) {
    case 'string':
      return compileString(shape);
    case 'integer':
    case 'long':
      return compileInteger(shape, shape.type);
    case 'double':
    case 'float':
      return compileNumber(shape);
    case 'boolean':
      return {
        kind: 'boolean',
        rules: [],
        echoes: true,
        read(value, _s, path) {
          if (typeof value !== 'boolean') throw typeError(value, 'a Boolean', path);
          return value;
        },
      };
    case 'timestamp':
      return {
        kind: 'timestamp',
        rules: [],
        echoes: true,
        read(value, _s, path) {
          if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(value, 'a Timestamp', path);
          return value;
        },
      };
    case 'blob':
      return compileBlob(shape);
    default:
      throw new Error(`unsupported shape type ${String(shape.type)}`);
  }
}

function compileString(shape: ShapeModel): ScalarSpec {
  const { min, max } = shape;
  const pattern = shape.pattern !== undefined ? compileJavaPattern(shape.pattern) : undefined;
  const regex = pattern?.regex; // undefined: no pattern, an always-true pattern, or one that could not be compiled
  const enumSet = shape.enum ? new Set(shape.enum) : undefined;
  const rules = ruleList(shape, 'length');
  const maxMsg = `Member must have length less than or equal to ${max}`;
  const minMsg = `Member must have length greater than or equal to ${min}`;
  const patternMsg = `Member must satisfy regular expression pattern: ${shape.pattern}`;
  const enumMsg = `Member must satisfy enum value set: [${(shape.enum ?? []).join(', ')}]`;
  const hasLength = min !== undefined || max !== undefined;
  const lo = min ?? 0;
  const hi = max ?? Infinity;
  const read = (value: unknown, _s: boolean, path: string): unknown => {
    if (typeof value !== 'string') throw typeError(value, 'a String', path);
    return value;
  };
  if (!hasLength && !regex && !enumSet) return { kind: 'string', rules, echoes: true, read };
  const check = (s: string): string[] | undefined => {
    let out: string[] | undefined;
    let tooLong = false;
    if (hasLength) {
      const units = s.length;
      // A string of n UTF-16 units has between ceil(n/2) and n code points; count only when that range is not enough.
      if (!(units <= hi && (units + 1) >> 1 >= lo)) {
        const n = codePointLength(s);
        if (n > hi) {
          tooLong = true;
          out = [maxMsg];
        } else if (n < lo) out = [minMsg];
      }
    }
    if (regex && !tooLong && !regex.test(s)) (out ??= []).push(patternMsg);
    if (enumSet && !enumSet.has(s)) (out ??= []).push(enumMsg);
    return out;
  };
  return { kind: 'string', rules, echoes: true, read, check };
}

function compileInteger(shape: ShapeModel, kind: 'integer' | 'long'): ScalarSpec {
  const lowest = kind === 'integer' ? INT32_MIN : Number.MIN_SAFE_INTEGER;
  const highest = kind === 'integer' ? INT32_MAX : Number.MAX_SAFE_INTEGER;
  const target = kind === 'integer' ? 'an Integer' : 'a Long';
  const rule = lengthRules(shape, 'value');
  return {
    kind,
    rules: ruleList(shape, 'value'),
    echoes: true,
    read(value, _s, path) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < lowest || value > highest) {
        throw typeError(value, target, path);
      }
      return value;
    },
    ...checkOf(rule),
  };
}

/** The `check` member of a scalar spec for a numeric rule, when the shape has one. */
function checkOf(rule: ((n: number) => string | undefined) | undefined): { check?: (n: number) => string[] | undefined } {
  if (!rule) return {};
  return {
    check: (n: number) => {
      const failed = rule(n);
      return failed ? [failed] : undefined;
    },
  };
}

function compileNumber(shape: ShapeModel): ScalarSpec {
  const rule = lengthRules(shape, 'value');
  return {
    kind: 'double',
    rules: ruleList(shape, 'value'),
    echoes: true,
    read(value, _s, path) {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError(value, 'a Double', path);
      return value;
    },
    ...checkOf(rule),
  };
}

function compileBlob(shape: ShapeModel): ScalarSpec {
  const rule = lengthRules(shape, 'length');
  return {
    kind: 'blob',
    rules: ruleList(shape, 'length'),
    echoes: false,
    read(value, _s, path) {
      if (typeof value !== 'string') throw typeError(value, 'a Blob', path);
      if (value.length % 4 === 1 || !BASE64.test(value)) {
        throw new CognitoError('SerializationException', `Invalid base64 value for a Blob${at(path)}.`);
      }
      // Decoded size: 3 bytes per 4 characters, less the padding (or the missing characters of an unpadded tail).
      const pad = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
      const body = value.length - pad;
      return Math.floor((body * 3) / 4);
    },
    ...checkOf(rule),
  };
}

function scalarValidator(spec: ScalarSpec, sensitive: boolean): Validator {
  const { check } = spec;
  if (!check) {
    return (value, path) => {
      spec.read(value, sensitive, path);
    };
  }
  const quote = spec.echoes && !sensitive;
  return (value, path, ctx) => {
    const v = spec.read(value, sensitive, path);
    const failed = check(v);
    if (failed === undefined) return;
    const echo = quote ? echoScalar(value) : '';
    for (const f of failed) ctx.add(`Value${echo} at '${path}' failed to satisfy constraint: ${f}`);
  };
}

/** For REST members bound to the URI, query string or a header: also accept the raw string form. */
function coercingValidator(spec: ScalarSpec, sensitive: boolean): Validator {
  const inner = scalarValidator(spec, sensitive);
  return (value, path, ctx) => {
    if (typeof value !== 'string') return inner(value, path, ctx);
    const s = value.trim();
    let parsed: unknown = value;
    switch (spec.kind) {
      case 'integer':
      case 'long':
        if (/^[+-]?\d{1,16}$/.test(s)) parsed = Number(s);
        break;
      case 'double':
        if (s !== '' && Number.isFinite(Number(s))) parsed = Number(s);
        break;
      case 'boolean':
        if (s === 'true' || s === 'false') parsed = s === 'true';
        break;
      case 'timestamp':
        if (s !== '' && Number.isFinite(Number(s))) parsed = Number(s);
        else if (!Number.isNaN(Date.parse(s))) parsed = Date.parse(s) / 1000;
        break;
      default:
        break;
    }
    return inner(parsed, path, ctx);
  };
}

// ------------------------------------------------------------------------------------------------
// Messages
// ------------------------------------------------------------------------------------------------

const MAX_ECHO = 256;

function lowerFirst(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

function at(path: string): string {
  return path === '' ? '' : ` at '${path}'`;
}

function echoScalar(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length <= MAX_ECHO ? ` '${text}'` : '';
}

/** Java's `List.toString` of a list of scalars (`[a, b]`), or '' when it is long or holds non-scalars. */
function echoList(list: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (e !== null && typeof e === 'object') return '';
    text += (i > 0 ? ', ' : '') + String(e);
    if (text.length > MAX_ECHO) return '';
  }
  text += ']';
  return text.length <= MAX_ECHO ? ` '${text}'` : '';
}

/** Java's `Map.toString` of a map of scalars (`{k=v, k2=v2}`), or '' when it is long. */
function echoMap(obj: Record<string, unknown>, keys: readonly string[]): string {
  let text = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v !== null && typeof v === 'object') return '';
    text += (first ? '' : ', ') + k + '=' + String(v);
    first = false;
    if (text.length > MAX_ECHO) return '';
  }
  text += '}';
  return text.length <= MAX_ECHO ? ` '${text}'` : '';
}

function jsonToken(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'STRING_VALUE';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return 'BOOLEAN_VALUE';
    default:
      return value === null ? 'NULL_VALUE' : 'UNKNOWN_VALUE';
  }
}

/** The SerializationException for a value of the wrong JSON type (`target` is "a String", "an Integer", ...). */
function typeError(value: unknown, target: string, path: string): CognitoError {
  let message: string;
  if (Array.isArray(value)) message = `Start of list found where not expected${at(path)}.`;
  else if (typeof value === 'object' && value !== null) message = `Start of structure or map found where not expected${at(path)}.`;
  else message = `${jsonToken(value)} can not be converted to ${target}${at(path)}.`;
  return new CognitoError('SerializationException', message);
}

// ------------------------------------------------------------------------------------------------
// Public API
// ------------------------------------------------------------------------------------------------

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
    const raw = JSON.parse(readFileSync(new URL(`../../models/${file}`, import.meta.url), 'utf8')) as RawModel;
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
 * Validates a parsed request body against the operation's input shape, as AWS does before any business logic.
 *
 * @param model - the service model the operation belongs to (from {@link loadServiceModel})
 * @param op - the operation
 * @param input - the parsed JSON body (for REST operations: body, URI labels, query string and headers merged by member name)
 * @throws CognitoError `SerializationException` if the body is not a JSON object, is nested deeper than 32 levels or
 *   has a member of the wrong JSON type; `InvalidParameterException` listing the constraint violations otherwise.
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
    throw new CognitoError('InvalidParameterException', `${ctx.count} validation ${noun} detected: ${ctx.messages.join('; ')}`);
  }
}

// ------------------------------------------------------------------------------------------------
// Java regular expressions → JavaScript
// ------------------------------------------------------------------------------------------------

/** A model pattern compiled for whole-value tests (AWS: the entire value must match, as Java's `matches()`). */
export interface JavaPattern {
  /** The pattern as written in the model (Java syntax). */
  readonly pattern: string;
  /** The JavaScript translation; undefined when every string contains a match (e.g. `(?s).*`). */
  readonly regex: RegExp | undefined;
  /** How it was compiled: `translated` (the normal case) or one of the fallbacks. */
  readonly via: 'translated' | 'raw-unicode' | 'raw';
  /** Whether the whole of `value` matches. */
  test(value: string): boolean;
}

class UnsupportedPattern extends Error {}

const patternCache = new Map<string, JavaPattern | null>();

/**
 * Compiles a model's Java regular expression to a JavaScript `RegExp` once (cached by pattern text).
 *
 * The pattern is translated rather than used as is, so that it means in JavaScript what it means in Java:
 * `\s`/`\S` are Java's ASCII whitespace, `.` excludes Java's line terminators, POSIX classes such as `\p{Alnum}`
 * are ASCII, `\p{IsLatin}`/`\p{javaLowerCase}` map to Unicode properties, possessive quantifiers become greedy,
 * `\Q...\E`, `\h`, `\v`, `\R`, `\A`, `\z`, `\Z`, octal and `\x{...}` escapes are rewritten, identity escapes
 * that are illegal in Unicode-mode JS (`\#`) are dropped, and character classes with intersections (`&&`) or
 * negated members use the `v` flag. A leading `(?i)`, `(?s)` or `(?m)` becomes a flag.
 *
 * The translation is anchored (`^(?:…)$`): AWS requires the whole value to match. Values longer than the
 * shape's `max` are refused by length before any pattern runs, which bounds the regex work.
 *
 * Fallbacks, only if the translation does not compile: the raw pattern with the `u` flag, then without flags.
 *
 * @param pattern - a Java regex from a shape's `pattern`
 * @returns the compiled pattern, or undefined if it cannot be compiled (Java constructs with no JS equivalent,
 *   such as atomic groups, `\G` or embedded flags in mid-pattern); the caller then skips that check
 */
export function compileJavaPattern(pattern: string): JavaPattern | undefined {
  let compiled = patternCache.get(pattern);
  if (compiled === undefined) {
    compiled = compilePatternUncached(pattern);
    patternCache.set(pattern, compiled);
  }
  return compiled ?? undefined;
}

function makePattern(pattern: string, regex: RegExp | undefined, via: JavaPattern['via']): JavaPattern {
  return {
    pattern,
    regex,
    via,
    test: regex ? (value: string) => regex.test(value) : () => true,
  };
}

function compilePatternUncached(pattern: string): JavaPattern | null {
  let translated: { source: string; flags: string } | undefined;
  try {
    translated = translateJavaRegex(pattern);
  } catch (e) {
    // Java constructs with no faithful JS equivalent: skip the check rather than guess (the raw fallbacks
    // below would silently mean something else, e.g. `[a-z&&[^b]]`).
    if (e instanceof UnsupportedPattern) return null;
    translated = undefined;
  }
  if (translated) {
    if (translated.source === '') return makePattern(pattern, undefined, 'translated');
    try {
      return makePattern(pattern, new RegExp(translated.source, translated.flags), 'translated');
    } catch {
      // fall through to the raw pattern
    }
  }
  for (const [flags, via] of [
    ['u', 'raw-unicode'],
    ['', 'raw'],
  ] as const) {
    try {
      return makePattern(pattern, new RegExp(`^(?:${pattern})$`, flags), via);
    } catch {
      // try the next
    }
  }
  return null;
}

interface ClassSet {
  negated: boolean;
  items: ClassItem[];
}
type ClassItem =
  | { k: 'char'; cp: number }
  | { k: 'range'; from: number; to: number }
  /** A JS escape valid inside a class in both u and v mode: `\d`, `\w`, `\p{L}`, `\P{L}`... */
  | { k: 'esc'; text: string }
  | { k: 'set'; set: ClassSet }
  | { k: 'and'; operands: ClassSet[] };

/** Top-level output: literal JS source, or a class to be emitted once the mode (u or v) is known. */
type Chunk = string | ClassSet;

interface Term {
  chunks: Chunk[];
  /** The atom matches exactly one character (literal, `.`, class, class escape). */
  single: boolean;
  quant?: { min: number; max: number; lazy: boolean };
}

type EscapeResult =
  | { k: 'item'; item: ClassItem }
  | { k: 'raw'; text: string } // outside classes only: anchors, back-references, \R
  | { k: 'literal'; cps: number[] }; // \Q...\E

const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split('').map((c) => c.codePointAt(0)!));
const CLASS_U = new Set([...SYNTAX, 0x2d]);
const CLASS_V = new Set([...CLASS_U, ...'&!#%,:;<=>@`~'.split('').map((c) => c.codePointAt(0)!)]);
const JAVA_SPACE = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20];
const LINE_TERMINATORS = [0x0a, 0x0d, 0x85, 0x2028, 0x2029];

const chars = (cps: number[]): ClassItem[] => cps.map((cp) => ({ k: 'char', cp }));
const r = (from: string, to: string): ClassItem => ({ k: 'range', from: from.codePointAt(0)!, to: to.codePointAt(0)! });
const ch = (c: string): ClassItem => ({ k: 'char', cp: c.codePointAt(0)! });

/** Java's ASCII POSIX classes (`\p{Alnum}`...), as Java defines them without UNICODE_CHARACTER_CLASS. */
const POSIX: Record<string, ClassItem[]> = {
  Lower: [r('a', 'z')],
  Upper: [r('A', 'Z')],
  ASCII: [{ k: 'range', from: 0, to: 0x7f }],
  Alpha: [r('a', 'z'), r('A', 'Z')],
  Digit: [r('0', '9')],
  Alnum: [r('a', 'z'), r('A', 'Z'), r('0', '9')],
  Punct: [r('!', '/'), r(':', '@'), r('[', '`'), r('{', '~')],
  Graph: [r('!', '~')],
  Print: [r(' ', '~')],
  Blank: [ch(' '), ch('\t')],
  Cntrl: [{ k: 'range', from: 0, to: 0x1f }, { k: 'char', cp: 0x7f }],
  XDigit: [r('0', '9'), r('a', 'f'), r('A', 'F')],
  Space: chars(JAVA_SPACE),
};

/** java.lang.Character classes (`\p{javaLowerCase}`) as Unicode properties. */
const JAVA_CHARACTER: Record<string, string[]> = {
  javaLowerCase: ['Lowercase'],
  javaUpperCase: ['Uppercase'],
  javaAlphabetic: ['Alphabetic'],
  javaIdeographic: ['Ideographic'],
  javaTitleCase: ['Lt'],
  javaDigit: ['Nd'],
  javaDefined: ['Assigned'],
  javaLetter: ['L'],
  javaLetterOrDigit: ['L', 'Nd'],
  javaSpaceChar: ['Z'],
  javaISOControl: ['Cc'],
  javaMirrored: ['Bidi_Mirrored'],
};

/** Java binary property names (`\p{IsAlphabetic}`, case-insensitive, `_`/space optional) as JS properties. */
const JAVA_BINARY: Record<string, string> = {
  ALPHABETIC: 'Alphabetic',
  LETTER: 'L',
  IDEOGRAPHIC: 'Ideographic',
  LOWERCASE: 'Lowercase',
  UPPERCASE: 'Uppercase',
  TITLECASE: 'Lt',
  PUNCTUATION: 'P',
  CONTROL: 'Cc',
  WHITESPACE: 'White_Space',
  DIGIT: 'Nd',
  HEXDIGIT: 'Hex_Digit',
  JOINCONTROL: 'Join_Control',
  NONCHARACTERCODEPOINT: 'Noncharacter_Code_Point',
  ASSIGNED: 'Assigned',
  EMOJI: 'Emoji',
  EMOJIPRESENTATION: 'Emoji_Presentation',
  EMOJIMODIFIER: 'Emoji_Modifier',
  EMOJIMODIFIERBASE: 'Emoji_Modifier_Base',
  EMOJICOMPONENT: 'Emoji_Component',
  EXTENDEDPICTOGRAPHIC: 'Extended_Pictographic',
};

function jsPropertyExists(expr: string): boolean {
  try {
    new RegExp(`\\p{${expr}}`, 'u');
    return true;
  } catch {
    return false;
  }
}

function propertyItem(names: string[], negated: boolean): ClassItem {
  if (names.length === 1) return { k: 'esc', text: `\\${negated ? 'P' : 'p'}{${names[0]}}` };
  const union: ClassSet = { negated: false, items: names.map((n) => ({ k: 'esc', text: `\\p{${n}}` })) };
  return { k: 'set', set: negated ? { negated: true, items: [{ k: 'set', set: union }] } : union };
}

/** Translates the body of a Java `\p{...}` to a class item. */
function javaProperty(name: string, negated: boolean): ClassItem {
  if (!/^[A-Za-z0-9_= -]+$/.test(name)) throw new UnsupportedPattern(`property ${name}`);
  const posix = POSIX[name];
  if (posix) return { k: 'set', set: { negated, items: posix } };
  const javaChar = JAVA_CHARACTER[name];
  if (javaChar) return propertyItem(javaChar, negated);
  const eq = name.indexOf('=');
  if (eq > 0) {
    const kind = name.slice(0, eq).toLowerCase();
    const value = name.slice(eq + 1);
    if ((kind === 'sc' || kind === 'script') && jsPropertyExists(`Script=${value}`)) return propertyItem([`Script=${value}`], negated);
    if ((kind === 'gc' || kind === 'general_category') && jsPropertyExists(`General_Category=${value}`)) {
      return propertyItem([value], negated);
    }
    throw new UnsupportedPattern(`property ${name}`);
  }
  if (name.startsWith('In')) throw new UnsupportedPattern(`Unicode block ${name}`);
  if (name.startsWith('Is')) {
    const rest = name.slice(2);
    if (jsPropertyExists(`General_Category=${rest}`)) return propertyItem([rest], negated);
    const titled = rest.charAt(0).toUpperCase() + rest.slice(1).toLowerCase();
    for (const script of [rest, titled]) if (jsPropertyExists(`Script=${script}`)) return propertyItem([`Script=${script}`], negated);
    const binary = JAVA_BINARY[rest.toUpperCase().replace(/[_ -]/g, '')];
    if (binary) return propertyItem([binary], negated);
    throw new UnsupportedPattern(`property ${name}`);
  }
  if (jsPropertyExists(`General_Category=${name}`)) return propertyItem([name], negated);
  throw new UnsupportedPattern(`property ${name}`);
}

function hexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function printable(cp: number): boolean {
  return !(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029 || (cp >= 0xd800 && cp <= 0xdfff));
}

function literal(cp: number, escapes: Set<number>): string {
  if (escapes.has(cp)) return '\\' + String.fromCodePoint(cp);
  return printable(cp) ? String.fromCodePoint(cp) : hexEscape(cp);
}

/** Flattens nested non-negated classes into their parent (a union of unions). */
function flatten(set: ClassSet): ClassSet {
  const items: ClassItem[] = [];
  for (const item of set.items) {
    if (item.k === 'set') {
      const inner = flatten(item.set);
      if (inner.negated) items.push({ k: 'set', set: inner });
      else items.push(...inner.items);
    } else if (item.k === 'and') {
      items.push({ k: 'and', operands: item.operands.map(flatten) });
    } else items.push(item);
  }
  // [\S] is \S: a class whose only member is a negated class is that class (or its complement, if negated too).
  const only = items.length === 1 ? items[0] : undefined;
  if (only?.k === 'set') return set.negated ? { negated: false, items: only.set.items } : only.set;
  return { negated: set.negated, items };
}

function needsV(set: ClassSet): boolean {
  return set.items.some((i) => i.k === 'set' || i.k === 'and');
}

function emitItem(item: ClassItem, v: boolean): string {
  const esc = v ? CLASS_V : CLASS_U;
  switch (item.k) {
    case 'char':
      return literal(item.cp, esc);
    case 'range':
      return `${literal(item.from, esc)}-${literal(item.to, esc)}`;
    case 'esc':
      return item.text;
    case 'set':
      return emitClass(item.set, v);
    case 'and':
      return `[${item.operands.map((o) => emitClass(o, v)).join('&&')}]`;
  }
}

function emitClass(set: ClassSet, v: boolean): string {
  const only = set.items.length === 1 ? set.items[0] : undefined;
  if (v && only?.k === 'and') return `[${set.negated ? '^' : ''}${only.operands.map((o) => emitClass(o, v)).join('&&')}]`;
  return `[${set.negated ? '^' : ''}${set.items.map((i) => emitItem(i, v)).join('')}]`;
}

/**
 * Translates a Java regex into JavaScript source and flags (see {@link compileJavaPattern}).
 * @throws UnsupportedPattern for Java constructs with no JS equivalent; SyntaxError-like Error for invalid Java syntax
 */
function translateJavaRegex(src: string): { source: string; flags: string } {
  let i = 0;
  let groups = 0;
  let possessive = false;
  const flags = { i: false, m: false, s: false };

  const peek = (offset = 0): number | undefined => {
    let j = i;
    for (let n = 0; n < offset && j < src.length; n++) j += src.codePointAt(j)! > 0xffff ? 2 : 1;
    return j < src.length ? src.codePointAt(j) : undefined;
  };
  const next = (): number => {
    const cp = src.codePointAt(i);
    if (cp === undefined) throw new Error('unexpected end of pattern');
    i += cp > 0xffff ? 2 : 1;
    return cp;
  };
  const is = (cp: number | undefined, c: string): boolean => cp !== undefined && cp === c.codePointAt(0);
  const isDigit = (cp: number | undefined): boolean => cp !== undefined && cp >= 0x30 && cp <= 0x39;
  const isHex = (cp: number | undefined): boolean =>
    cp !== undefined && (isDigit(cp) || (cp >= 0x41 && cp <= 0x46) || (cp >= 0x61 && cp <= 0x66));

  // Leading embedded flags: (?i), (?s), (?m), (?is) ... ; anything else embedded is unsupported.
  for (let m: RegExpExecArray | null; (m = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(src.slice(i))); ) {
    for (const [letters, on] of [
      [m[1] ?? '', true],
      [m[2] ?? '', false],
    ] as const) {
      for (const f of letters) {
        if (f === 'i' || f === 'm' || f === 's') flags[f] = on;
        else if (f !== 'u') throw new UnsupportedPattern(`flag ${f}`);
      }
    }
    i += m[0].length;
  }

  const hexDigits = (count: number): number => {
    let text = '';
    for (let n = 0; n < count; n++) {
      if (!isHex(peek())) throw new Error('bad hex escape');
      text += String.fromCodePoint(next());
    }
    return parseInt(text, 16);
  };

  const parseEscape = (inClass: boolean): EscapeResult => {
    const c = next();
    const letter = String.fromCodePoint(c);
    const item = (x: ClassItem): EscapeResult => ({ k: 'item', item: x });
    const charItem = (cp: number): EscapeResult => item({ k: 'char', cp });
    const raw = (text: string): EscapeResult => {
      if (inClass) throw new Error(`\\${letter} in a character class`);
      return { k: 'raw', text };
    };
    switch (letter) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return item({ k: 'esc', text: `\\${letter}` });
      case 's':
      case 'S':
        return item({ k: 'set', set: { negated: letter === 'S', items: chars(JAVA_SPACE) } });
      case 'h':
      case 'H':
        return item({
          k: 'set',
          set: {
            negated: letter === 'H',
            items: [...chars([0x20, 0x09, 0xa0, 0x1680, 0x180e, 0x202f, 0x205f, 0x3000]), { k: 'range', from: 0x2000, to: 0x200a }],
          },
        });
      case 'v':
      case 'V':
        return item({ k: 'set', set: { negated: letter === 'V', items: chars([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]) } });
      case 'R':
        return raw('(?:\\r\\n|[\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}])');
      case 'b':
        return raw('\\b');
      case 'B':
        return raw('\\B');
      case 'A':
        return raw('(?<![\\s\\S])');
      case 'z':
        return raw('(?![\\s\\S])');
      case 'Z':
        return raw('(?=(?:\\r\\n|[\\n\\r\\u{85}\\u{2028}\\u{2029}])?(?![\\s\\S]))');
      case 't':
        return charItem(0x09);
      case 'n':
        return charItem(0x0a);
      case 'r':
        return charItem(0x0d);
      case 'f':
        return charItem(0x0c);
      case 'a':
        return charItem(0x07);
      case 'e':
        return charItem(0x1b);
      case 'c':
        return charItem(next() ^ 64);
      case '0': {
        let value = 0;
        let digits = 0;
        while (digits < 3 && peek() !== undefined && peek()! >= 0x30 && peek()! <= 0x37) {
          const candidate = value * 8 + (peek()! - 0x30);
          if (candidate > 0o377) break;
          value = candidate;
          next();
          digits++;
        }
        if (digits === 0) throw new Error('bad octal escape');
        return charItem(value);
      }
      case 'x': {
        if (is(peek(), '{')) {
          next();
          let text = '';
          while (isHex(peek())) text += String.fromCodePoint(next());
          if (!is(peek(), '}') || text === '') throw new Error('bad \\x{} escape');
          next();
          const cp = parseInt(text, 16);
          if (cp > 0x10ffff) throw new Error('bad \\x{} escape');
          return charItem(cp);
        }
        return charItem(hexDigits(2));
      }
      case 'u': {
        let cp = hexDigits(4);
        if (cp >= 0xd800 && cp <= 0xdbff && is(peek(), '\\') && is(peek(1), 'u')) {
          const save = i;
          i += 2;
          const low = hexDigits(4);
          if (low >= 0xdc00 && low <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          else i = save;
        }
        return charItem(cp);
      }
      case 'p':
      case 'P': {
        let name: string;
        if (is(peek(), '{')) {
          next();
          const end = src.indexOf('}', i);
          if (end < 0) throw new Error('unclosed \\p{');
          name = src.slice(i, end);
          i = end + 1;
        } else name = String.fromCodePoint(next());
        let negated = letter === 'P';
        if (name.startsWith('^')) {
          negated = !negated;
          name = name.slice(1);
        }
        return item(javaProperty(name, negated));
      }
      case 'Q': {
        const end = src.indexOf('\\E', i);
        const text = end < 0 ? src.slice(i) : src.slice(i, end);
        i = end < 0 ? src.length : end + 2;
        return { k: 'literal', cps: [...text].map((s) => s.codePointAt(0)!) };
      }
      case 'k': {
        const m = /^<([A-Za-z][A-Za-z0-9]*)>/.exec(src.slice(i));
        if (!m) throw new Error('bad \\k escape');
        i += m[0].length;
        return raw(`\\k<${m[1]}>`);
      }
      default:
        break;
    }
    if (c >= 0x31 && c <= 0x39) {
      if (inClass) throw new Error('back-reference in a character class');
      // Java: take further digits only while the number stays a valid group number.
      let n = c - 0x30;
      while (isDigit(peek()) && n * 10 + (peek()! - 0x30) <= groups) n = n * 10 + (next() - 0x30);
      return raw(`\\${n}`);
    }
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) throw new UnsupportedPattern(`escape \\${letter}`);
    // Any other escaped character is itself (Java allows escaping any non-letter, e.g. \# or \').
    return charItem(c);
  };

  const parseClass = (): ClassSet => {
    // '[' already consumed
    let negated = false;
    if (is(peek(), '^')) {
      next();
      negated = true;
    }
    const operands: ClassSet[] = [];
    let items: ClassItem[] = [];
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) throw new Error('unclosed character class');
      if (is(c, ']') && !first) {
        next();
        break;
      }
      first = false;
      if (is(c, '[')) {
        next();
        items.push({ k: 'set', set: parseClass() });
        continue;
      }
      if (is(c, '&') && is(peek(1), '&')) {
        next();
        next();
        operands.push({ negated: false, items });
        items = [];
        continue;
      }
      let start: number | undefined;
      if (is(c, '\\')) {
        next();
        const e = parseEscape(true);
        if (e.k === 'literal') {
          items.push(...chars(e.cps));
          continue;
        }
        if (e.k !== 'item') throw new Error('bad escape in class');
        if (e.item.k !== 'char') {
          items.push(e.item);
          continue;
        }
        start = e.item.cp;
      } else start = next();
      // A range a-z: '-' followed by something other than ']' (and other than a nested class).
      if (is(peek(), '-') && peek(1) !== undefined && !is(peek(1), ']') && !is(peek(1), '[')) {
        next();
        let end: number;
        if (is(peek(), '\\')) {
          next();
          const e = parseEscape(true);
          if (e.k !== 'item' || e.item.k !== 'char') throw new Error('bad range end');
          end = e.item.cp;
        } else end = next();
        if (end < start) throw new Error('illegal character range');
        items.push({ k: 'range', from: start, to: end });
      } else items.push({ k: 'char', cp: start });
    }
    if (operands.length === 0) return { negated, items };
    operands.push({ negated: false, items });
    const nonEmpty = operands.filter((o) => o.items.length > 0);
    if (nonEmpty.length === 1) return { negated, items: nonEmpty[0]!.items };
    return { negated, items: [{ k: 'and', operands: nonEmpty }] };
  };

  const parseAtom = (): { chunks: Chunk[]; single: boolean } => {
    const c = next();
    const letter = String.fromCodePoint(c);
    switch (letter) {
      case '(': {
        let prefix = '(';
        if (is(peek(), '?')) {
          const rest = src.slice(i);
          const m = /^\?(?::|=|!|<=|<!|<([A-Za-z][A-Za-z0-9]*)>)/.exec(rest);
          if (!m) throw new UnsupportedPattern(`group (${rest.slice(0, 3)}`);
          if (m[1] !== undefined) groups++;
          prefix += m[0];
          i += m[0].length;
        } else groups++;
        const alternatives = parseAlternatives(true);
        if (!is(peek(), ')')) throw new Error('unclosed group');
        next();
        return { chunks: [prefix, ...joinAlternatives(alternatives), ')'], single: false };
      }
      case '[': {
        return { chunks: [parseClass()], single: true };
      }
      case '.':
        if (flags.s) return { chunks: ['.'], single: true };
        return { chunks: [{ negated: true, items: chars(LINE_TERMINATORS) }], single: true };
      case '^':
      case '$':
        return { chunks: [letter], single: false };
      case '\\': {
        const e = parseEscape(false);
        if (e.k === 'raw') return { chunks: [e.text], single: false };
        if (e.k === 'literal') {
          if (e.cps.length === 1) return { chunks: [literal(e.cps[0]!, SYNTAX)], single: true };
          return { chunks: [`(?:${e.cps.map((cp) => literal(cp, SYNTAX)).join('')})`], single: false };
        }
        const it = e.item;
        if (it.k === 'char') return { chunks: [literal(it.cp, SYNTAX)], single: true };
        if (it.k === 'esc') return { chunks: [it.text], single: true };
        if (it.k === 'set') return { chunks: [it.set], single: true };
        return { chunks: [{ negated: false, items: [it] }], single: true };
      }
      case '*':
      case '+':
      case '?':
      case '{':
        throw new Error(`dangling ${letter}`);
      default:
        return { chunks: [literal(c, SYNTAX)], single: true };
    }
  };

  const parseQuantifier = (): Term['quant'] => {
    const c = peek();
    let min: number;
    let max: number;
    if (is(c, '*')) [min, max] = [0, Infinity];
    else if (is(c, '+')) [min, max] = [1, Infinity];
    else if (is(c, '?')) [min, max] = [0, 1];
    else if (is(c, '{')) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (!m) throw new Error('illegal repetition');
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) throw new Error('illegal repetition range');
      i += m[0].length - 1;
    } else return undefined;
    next();
    let lazy = false;
    if (is(peek(), '?')) {
      next();
      lazy = true;
    } else if (is(peek(), '+')) {
      next(); // possessive: no JS equivalent; greedy accepts a superset of what it accepts
      possessive = true;
    }
    return { min, max, lazy };
  };

  const parseSequence = (nested: boolean): Term[] => {
    const terms: Term[] = [];
    for (;;) {
      const c = peek();
      if (c === undefined || is(c, '|')) break;
      if (is(c, ')')) {
        if (nested) break;
        throw new Error('unmatched )');
      }
      const atom = parseAtom();
      const quant = parseQuantifier();
      terms.push(quant ? { ...atom, quant } : atom);
    }
    return terms;
  };

  const parseAlternatives = (nested: boolean): Term[][] => {
    const alternatives = [parseSequence(nested)];
    while (is(peek(), '|')) {
      next();
      alternatives.push(parseSequence(nested));
    }
    return alternatives;
  };

  const quantText = (q: NonNullable<Term['quant']>): string => {
    let text: string;
    if (q.min === 0 && q.max === Infinity) text = '*';
    else if (q.min === 1 && q.max === Infinity) text = '+';
    else if (q.min === 0 && q.max === 1) text = '?';
    else if (q.min === q.max) text = `{${q.min}}`;
    else text = `{${q.min},${q.max === Infinity ? '' : q.max}}`;
    return q.lazy ? `${text}?` : text;
  };

  function joinAlternatives(alternatives: Term[][]): Chunk[] {
    const out: Chunk[] = [];
    alternatives.forEach((terms, n) => {
      if (n > 0) out.push('|');
      for (const t of terms) {
        out.push(...t.chunks);
        if (t.quant) out.push(quantText(t.quant));
      }
    });
    return out;
  }

  const top = parseAlternatives(false);
  if (i < src.length) throw new Error('trailing input');

  const chunks = joinAlternatives(top);
  const classes = chunks.filter((c): c is ClassSet => typeof c !== 'string').map(flatten);
  const v = classes.some(needsV);
  let k = 0;
  const body = chunks.map((c) => (typeof c === 'string' ? c : emitClass(classes[k++]!, v))).join('');
  // AWS validates with Java's Matcher.matches(): the whole value must match (a username "a b" fails
  // `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` in real Cognito), so the translation is anchored at both ends.
  const source = `^(?:${body})$`;
  const flagText = (v ? 'v' : 'u') + (flags.i ? 'i' : '') + (flags.m ? 'm' : '') + (flags.s ? 's' : '');
  return { source, flags: flagText };
}
