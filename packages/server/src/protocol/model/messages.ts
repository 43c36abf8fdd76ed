/**
 * How validation failures are collected and worded: AWS's (Coral's) messages, echoing values as Java's
 * `toString` would, and the SerializationException for a value of the wrong JSON type.
 *
 * @module
 */
import { CognitoError } from '../../errors.js';

/** A compiled validator: throws SerializationException on a type error, records constraint violations in `ctx`. */
export type Validator = (value: unknown, path: string, ctx: ViolationLog) => void;

/** At most this many violations are spelt out in one InvalidParameterException (the count stays exact). */
export const MAX_LISTED_VIOLATIONS = 100;

export class ViolationLog {
  count = 0;
  readonly messages: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.messages.length < MAX_LISTED_VIOLATIONS) this.messages.push(message);
  }
}

// ------------------------------------------------------------------------------------------------
// Messages
// ------------------------------------------------------------------------------------------------

const MAX_ECHO = 256;

export function lowerFirst(name: string): string {
  return name.length === 0 ? name : name[0]!.toLowerCase() + name.slice(1);
}

export function at(path: string): string {
  return path === '' ? '' : ` at '${path}'`;
}

export function echoScalar(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length <= MAX_ECHO ? ` '${text}'` : '';
}

/** Java's `List.toString` of a list of scalars (`[a, b]`), or '' when it is long or holds non-scalars. */
export function echoList(list: readonly unknown[]): string {
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
export function echoMap(obj: Record<string, unknown>, keys: readonly string[]): string {
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

export function jsonToken(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return 'STRING_VALUE';
    case 'number':
      return 'NUMBER_VALUE';
    case 'boolean':
      return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
    default:
      return value === null ? 'NULL_VALUE' : 'UNKNOWN_VALUE';
  }
}

/**
 * The SerializationException for a value of the wrong JSON type (`target` is "a String", "an Integer", ..., or "a
 * Structure", "a Map", "a List"), worded as AWS's front end words it (`TRUE_VALUE can not be converted to an Integer`,
 * `Start of list found where not expected`; a scalar where a structure or map goes: `Expected null`, where a list
 * goes: `Expected list or null`), followed by where (` at 'path'`), which AWS leaves out.
 */
export function typeError(value: unknown, target: string, path: string): CognitoError {
  let message: string;
  if (Array.isArray(value)) message = `Start of list found where not expected${at(path)}.`;
  else if (typeof value === 'object' && value !== null) message = `Start of structure or map found where not expected${at(path)}.`;
  else if (target === 'a Structure' || target === 'a Map') message = `Expected null${at(path)}.`;
  else if (target === 'a List') message = `Expected list or null${at(path)}.`;
  else message = `${jsonToken(value)} can not be converted to ${target}${at(path)}.`;
  return new CognitoError('SerializationException', message);
}
