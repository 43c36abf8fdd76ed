/**
 * IAM-style policy documents and their evaluation, the subset identity-pool roles need:
 * - statements with Effect Allow/Deny, Action/NotAction and Resource/NotResource (strings or lists,
 *   `*` and `?` wildcards; actions compare case-insensitively, resources exactly);
 * - policy variables in Resource and condition values: `${cognito-identity.amazonaws.com:sub}`,
 *   `…:aud`, `${aws:PrincipalTag/<tag>}` and the escapes `${*}`, `${?}`, `${$}`;
 * - conditions StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
 *   StringLike, StringNotLike, each optionally `ForAnyValue:`/`ForAllValues:`, and `…IfExists`;
 * - an explicit Deny wins over any Allow; nothing allowed is an implicit deny.
 * (AWS IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements".)
 */
import { iamErrors } from './iam-errors.js';
import { BoundedMap } from '../domain/cache.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/** The request context: condition keys and their values (lists for multi-valued keys such as amr). */
export type PolicyContext = Record<string, string | string[] | undefined>;

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

const OPERATORS = new Set(['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike']);
const MAX_POLICY_BYTES = 10_240;

const list = (v: string | string[] | undefined): string[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** Parses and checks a policy document (JSON text or an object); MalformedPolicyDocument (an InvalidParameterException to Cognito callers) when it isn't one. */
export function parsePolicy(input: string | unknown): PolicyDocument {
  const bad = (why: string) => iamErrors.malformedPolicyDocument(`Malformed policy document: ${why}`);
  let doc: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_POLICY_BYTES) throw bad('too large.');
    try {
      doc = JSON.parse(input);
    } catch {
      throw bad('not JSON.');
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw bad('not an object.');
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : undefined;
  if (!statements || statements.length === 0) throw bad('Statement is required.');
  const isStrings = (v: unknown) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string'));
  for (const s of statements as PolicyStatement[]) {
    if (s === null || typeof s !== 'object') throw bad('a statement is not an object.');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw bad('Effect must be Allow or Deny.');
    if ((s.Action === undefined) === (s.NotAction === undefined)) throw bad('a statement needs exactly one of Action and NotAction.');
    if (!isStrings(s.Action) || !isStrings(s.NotAction) || !isStrings(s.Resource) || !isStrings(s.NotResource)) throw bad('Action and Resource must be strings or lists of strings.');
    if (s.Resource !== undefined && s.NotResource !== undefined) throw bad('a statement has both Resource and NotResource.');
    if (s.Condition !== undefined) {
      if (s.Condition === null || typeof s.Condition !== 'object') throw bad('Condition must be an object.');
      for (const [op, clause] of Object.entries(s.Condition)) {
        const base = op.replace(/^For(Any|All)Value:/, '').replace(/IfExists$/, '');
        if (!OPERATORS.has(base)) throw bad(`unsupported condition operator ${op}.`);
        if (clause === null || typeof clause !== 'object') throw bad(`condition ${op} must be an object.`);
        for (const v of Object.values(clause)) if (!isStrings(v) && typeof v !== 'boolean') throw bad(`condition ${op} values must be strings.`);
      }
    }
  }
  return { ...(typeof (doc as PolicyDocument).Version === 'string' ? { Version: (doc as PolicyDocument).Version! } : {}), Statement: statements as PolicyStatement[] };
}

/** Compiled wildcard patterns: the same few patterns (a role's Actions and Resources) come back on every check. */
const compiled = new BoundedMap<string, RegExp>(10_000);

/** `*` any run, `?` any one character; everything else literal. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = (ignoreCase ? 'i' : 's') + pattern;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`, ignoreCase ? 'i' : '');
    compiled.set(key, re);
  }
  return re.test(value);
}

/**
 * Substitutes `${key}` policy variables from the context. A variable with no (single) value makes
 * the pattern match nothing, as IAM treats an unresolvable variable.
 */
function substitute(pattern: string, ctx: PolicyContext): string | undefined {
  let unresolved = false;
  const out = pattern.replace(/\$\{([^}]*)\}/g, (_, key: string) => {
    if (key === '*') return '\u0000STAR\u0000';
    if (key === '?') return '\u0000QM\u0000';
    if (key === '$') return '$';
    const v = ctx[key];
    if (typeof v !== 'string') {
      unresolved = true;
      return '';
    }
    // A substituted value is literal: its own * and ? match only themselves.
    return v.replace(/\*/g, '\u0000STAR\u0000').replace(/\?/g, '\u0000QM\u0000');
  });
  return unresolved ? undefined : out;
}

function matchPattern(pattern: string, value: string, ctx: PolicyContext, ignoreCase: boolean, variables: boolean): boolean {
  const p = variables ? substitute(pattern, ctx) : pattern;
  if (p === undefined) return false;
  if (!p.includes('\u0000')) return wildcard(p, value, ignoreCase);
  // Split on the literal markers so they are not wildcards.
  const parts = p.split(/\u0000(STAR|QM)\u0000/);
  let re = '^';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i % 2 === 1) re += part === 'STAR' ? '\\*' : '\\?';
    else re += part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  }
  return new RegExp(re + '$', ignoreCase ? 'i' : '').test(value);
}

function conditionHolds(op: string, key: string, expected: string[], ctx: PolicyContext): boolean {
  let base = op;
  const forAll = base.startsWith('ForAllValues:');
  const forAny = base.startsWith('ForAnyValue:');
  base = base.replace(/^For(Any|All)Value:/, '');
  const ifExists = base.endsWith('IfExists');
  base = base.replace(/IfExists$/, '');
  const actual = list(ctx[key]);
  const negated = base.includes('Not');
  if (actual === undefined || actual.length === 0) {
    if (ifExists || forAll) return true;
    return negated && !forAny;
  }
  const one = (value: string): boolean => {
    switch (base) {
      case 'StringEquals':
      case 'StringNotEquals':
        return expected.some((e) => { const s = substitute(e, ctx); return s !== undefined && s.replace(/\u0000STAR\u0000/g, '*').replace(/\u0000QM\u0000/g, '?') === value; });
      case 'StringEqualsIgnoreCase':
      case 'StringNotEqualsIgnoreCase':
        return expected.some((e) => { const s = substitute(e, ctx); return s !== undefined && s.toLowerCase() === value.toLowerCase(); });
      default:
        return expected.some((e) => matchPattern(e, value, ctx, false, true));
    }
  };
  if (forAll) return actual.every((v) => (negated ? !one(v) : one(v)));
  // Single-valued operators on a multi-valued key behave as ForAnyValue (positive) or "none" (negated).
  return negated ? !actual.some(one) : actual.some(one);
}

function statementApplies(s: PolicyStatement, action: string, resource: string, ctx: PolicyContext): boolean {
  const actions = list(s.Action);
  const notActions = list(s.NotAction);
  if (actions && !actions.some((a) => matchPattern(a, action, ctx, true, false))) return false;
  if (notActions && notActions.some((a) => matchPattern(a, action, ctx, true, false))) return false;
  const resources = list(s.Resource);
  const notResources = list(s.NotResource);
  if (resources && !resources.some((r) => matchPattern(r, resource, ctx, false, true))) return false;
  if (notResources && notResources.some((r) => matchPattern(r, resource, ctx, false, true))) return false;
  for (const [op, clause] of Object.entries(s.Condition ?? {})) {
    for (const [key, value] of Object.entries(clause)) {
      const expected = (Array.isArray(value) ? value : [value]).map(String);
      if (!conditionHolds(op, key, expected, ctx)) return false;
    }
  }
  return true;
}

/** Evaluates policies for one action on one resource: explicit Deny, then Allow, else implicit deny. */
export function evaluate(policies: readonly PolicyDocument[], action: string, resource: string, ctx: PolicyContext): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const s of policy.Statement) {
      if (!statementApplies(s, action, resource, ctx)) continue;
      if (s.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}

/** A statement that applied to a request, named by its policy and position (for the console's policy simulator). */
export interface MatchedStatement {
  policy: string;
  /** 0-based position in the policy's Statement list */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

/**
 * {@link evaluate}, with the statements that applied: the decision and why. The same rules in the
 * same order (an explicit Deny wins), over every statement, so the answer lists each one that
 * matched rather than stopping at the first Deny.
 */
export function explain(policies: Readonly<Record<string, PolicyDocument>>, action: string, resource: string, ctx: PolicyContext): { decision: Decision; matched: MatchedStatement[] } {
  const matched: MatchedStatement[] = [];
  for (const [name, policy] of Object.entries(policies)) {
    policy.Statement.forEach((s, index) => {
      if (statementApplies(s, action, resource, ctx)) matched.push({ policy: name, index, ...(typeof s.Sid === 'string' ? { sid: s.Sid } : {}), effect: s.Effect });
    });
  }
  const decision: Decision = matched.some((m) => m.effect === 'Deny') ? 'ExplicitDeny' : matched.length > 0 ? 'Allow' : 'ImplicitDeny';
  return { decision, matched };
}
