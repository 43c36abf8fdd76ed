/**
 * The table of Cognito's operation categories against the API model: every cognito-idp operation
 * spends exactly one category (a new operation must be placed, or it would escape the limits), and
 * the table names no operation the model lacks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, OPERATION_CATEGORY } from '../../../src/domain/rate-limits/index.js';

const model = JSON.parse(readFileSync(fileURLToPath(new URL('../../../models/cognito-idp.json', import.meta.url)), 'utf8')) as { operations: Record<string, unknown> };

describe('request-rate categories', () => {
  it('every cognito-idp operation of the model has a category, and the table names only model operations', () => {
    const operations = Object.keys(model.operations);
    assert.deepEqual(operations.filter((op) => !OPERATION_CATEGORY.has(op)), []);
    assert.deepEqual([...OPERATION_CATEGORY.keys()].filter((op) => !operations.includes(op)), []);
  });

  it("keeps Cognito's free rates and adjustability", () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(CATEGORIES).map(([name, c]) => [name, [c.free, c.adjustable]])),
      {
        UserAuthentication: [120, true], UserCreation: [50, true], UserFederation: [25, true], UserAccountRecovery: [30, false], UserRead: [120, true],
        UserUpdate: [25, false], UserResourceRead: [50, true], UserResourceUpdate: [25, false], UserList: [30, false], UserPoolRead: [15, false],
        UserPoolUpdate: [15, false], UserPoolResourceRead: [20, false], UserPoolResourceUpdate: [15, false], UserPoolClientRead: [15, false],
        UserPoolClientUpdate: [15, false], UserToken: [120, false], ClientAuthentication: [150, true],
      },
    );
  });
});
