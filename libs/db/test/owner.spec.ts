import { describe, expect, it } from '@jest/globals';
import { ADMIN_OWNER, isOwnerName, isReservedOwner } from '../src/index.js';

describe('owner names', () => {
  it.each(['acme', 'team-42', 'a', 'x'.repeat(200), 'acme@example.com', ADMIN_OWNER])('when the name is %s, then it is a well-formed owner name', (name) => {
    expect(isOwnerName(name)).toBe(true);
  });

  it.each(['', 'two words', 'tab\there', 'x'.repeat(201), 'ünicode', 'line\nbreak'])('when the name is %j, then it is refused', (name) => {
    expect(isOwnerName(name)).toBe(false);
  });

  it('when a name starts with @, then it is reserved for the installation, the administrators’ owner included', () => {
    expect(isReservedOwner(ADMIN_OWNER)).toBe(true);
    expect(isReservedOwner('@anything')).toBe(true);
    expect(isReservedOwner('acme')).toBe(false);
    expect(isReservedOwner('acme@example.com')).toBe(false);
  });
});
