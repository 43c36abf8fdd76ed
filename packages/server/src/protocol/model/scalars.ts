/**
 * Scalar shapes (string, integer, long, double, boolean, timestamp, blob) compiled to a type check and the
 * constraint checks (`min`/`max`, `pattern`, `enum`) AWS applies, in AWS's order.
 *
 * @module
 */
import { CognitoError } from '../../errors.js';
import { at, echoScalar, typeError, type Validator } from './messages.js';
import { compileJavaPattern } from './patterns.js';
import type { ShapeModel } from './types.js';

// ------------------------------------------------------------------------------------------------
// Scalars
// ------------------------------------------------------------------------------------------------

export type ScalarKind = 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double';

/** A compiled scalar shape. */
export interface ScalarSpec {
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

export const COERCIBLE = new Set<ScalarKind>(['integer', 'long', 'boolean', 'timestamp', 'double']);
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

export function isScalar(shape: ShapeModel): boolean {
  return shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map';
}

export function lengthRules(shape: ShapeModel, noun: 'length' | 'value'): ((n: number) => string | undefined) | undefined {
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

export function compileScalar(shape: ShapeModel): ScalarSpec {
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

export function scalarValidator(spec: ScalarSpec, sensitive: boolean): Validator {
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
export function coercingValidator(spec: ScalarSpec, sensitive: boolean): Validator {
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
