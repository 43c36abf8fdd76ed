import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertDeletable, type AttributeWriter } from './users.js';
import type { SchemaAttribute, UserPool } from './user-pools.js';

const attribute = (Name: string, flags: Partial<SchemaAttribute> = {}): SchemaAttribute => ({ Name, AttributeDataType: 'String', Mutable: true, Required: false, DeveloperOnlyAttribute: false, ...flags }) as SchemaAttribute;

const pool = {
  settings: {
    SchemaAttributes: [
      attribute('sub', { Mutable: false, Required: true }),
      attribute('name'),
      attribute('email', { Required: true }),
      attribute('custom:tier', { Mutable: false }),
      attribute('custom:id', { Mutable: false, Required: true }),
      attribute('dev:custom:note', { DeveloperOnlyAttribute: true }),
    ],
  },
} as unknown as UserPool;

const refusal = (names: string[], writer: AttributeWriter) => {
  try {
    assertDeletable(pool, names, writer);
    return undefined;
  } catch (e) {
    assert.equal((e as Error).name, 'InvalidParameterException');
    return (e as Error).message.replace('Attributes did not conform to the schema: ', '');
  }
};

describe('the deletable-attribute check (DeleteUserAttributes, AdminDeleteUserAttributes, blank values)', () => {
  it('lets both writers delete a mutable, optional attribute', () => {
    for (const writer of ['user', 'admin'] as const) assert.equal(refusal(['name'], writer), undefined, writer);
  });

  it('refuses what is not in the schema, sub and identities, for both writers', () => {
    for (const writer of ['user', 'admin'] as const) {
      assert.equal(refusal(['shoe_size', 'sub', 'identities'], writer), 'shoe_size: Attribute does not exist in the schema., sub: Attribute does not exist in the schema., identities: Attribute does not exist in the schema.');
    }
  });

  it('developer-only attributes do not exist for users; administrators may delete them', () => {
    assert.equal(refusal(['dev:custom:note'], 'user'), 'dev:custom:note: Attribute does not exist in the schema.');
    assert.equal(refusal(['dev:custom:note'], 'admin'), undefined);
  });

  it('required and immutable attributes are refused with Cognito\'s words; of both, an administrator hears "required", a user "cannot be updated"', () => {
    for (const writer of ['user', 'admin'] as const) {
      assert.equal(refusal(['email'], writer), 'email: The attribute is required');
      assert.equal(refusal(['custom:tier'], writer), 'custom:tier: Attribute cannot be updated. (changing an immutable attribute)');
    }
    assert.equal(refusal(['custom:id'], 'admin'), 'custom:id: The attribute is required');
    assert.equal(refusal(['custom:id'], 'user'), 'custom:id: Attribute cannot be updated. (changing an immutable attribute)');
  });
});
