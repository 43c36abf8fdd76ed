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
 *   cognito-identity answers the same message as `ValidationException` ({@link CONSTRAINT_ERROR}).
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
 *   `userAttributes.1.member.name` (1-based). Values in maps of structures are reported at `map.<key>.member`
 *   (`roleMappings.<provider>.member.type`; AWS's DynamoDB says `requestItems.<table>.member.keys` alike).
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
 * The code lives in ./model/: `types.ts` (the model as data), `load.ts` (reading the models, `X-Amz-Target`),
 * `validation.ts` (structures, lists, maps), `scalars.ts`, `messages.ts` (AWS's wording) and `patterns.ts` (Java
 * regular expressions).
 *
 * @module
 */
export type { OperationModel, ServiceModel, ServiceName, ShapeModel, ShapeRef } from './model/types.js';
export { loadServiceModel, operationForTarget } from './model/load.js';
export { assertDepth, CONSTRAINT_ERROR, validateInput } from './model/validation.js';
export { MAX_LISTED_VIOLATIONS } from './model/messages.js';
export { codePointLength } from './model/scalars.js';
export { compileJavaPattern, type JavaPattern } from './model/patterns.js';
