import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { openSecret, operatorKey, sealedKeyId, sealSecret } from '../src/index.js';

const key = operatorKey(Buffer.alloc(32, 1));
const other = operatorKey(Buffer.alloc(32, 2));
const context = { owner: 'acme', id: 'sec_1' };

describe('owner secrets sealed with the operator key', () => {
  it('when a secret is sealed, then it opens with the same key and context, and the text does not contain it', () => {
    const sealed = sealSecret('whsec_abc', key, context);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{12}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('whsec_abc');
    expect(sealedKeyId(sealed)).toBe(key.id);
    expect(openSecret(sealed, [other, key], context)).toBe('whsec_abc');
  });

  it('when the same secret is sealed twice, then the ciphertexts differ (random IV)', () => {
    expect(sealSecret('whsec_abc', key, context)).not.toBe(sealSecret('whsec_abc', key, context));
  });

  it('when the key that sealed it is not listed, then opening says which key id is missing', () => {
    expect(() => openSecret(sealSecret('s', key, context), [other], context)).toThrow(expect.objectContaining({ code: 'webhook_secret_key_invalid', message: expect.stringContaining(key.id) }));
  });

  it('when the ciphertext is moved to another owner or altered, then it does not open', () => {
    const sealed = sealSecret('s', key, context);
    expect(() => openSecret(sealed, [key], { owner: 'mallory', id: 'sec_1' })).toThrow(/does not open/);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('x').toString('base64url');
    expect(() => openSecret(parts.join('.'), [key], context)).toThrow(/does not open/);
    expect(() => openSecret('v0.whatever', [key], context)).toThrow(/not in a known format/);
  });

  it('when a key is not 32 bytes, then it is refused; ids differ per key', () => {
    expect(() => operatorKey(randomBytes(16))).toThrow(/32 bytes/);
    expect(key.id).not.toBe(other.id);
  });
});
