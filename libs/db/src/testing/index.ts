export { createIsolatedSchema, createTestDatabase, type TestDatabase } from './test-database.js';
export { renditionRecord } from './rendition.fixture.js';
