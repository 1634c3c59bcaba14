export { createIsolatedSchema, createTestDatabase, type TestDatabase } from './test-database.js';
