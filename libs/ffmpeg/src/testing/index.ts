export { makeFixture, cleanupFixtures, fixtureDir, type MakeFixtureOptions } from './fixture.factory.js';
export { FIXTURE_KINDS, FIXTURE_RECIPES, type FixtureKind, type FixtureRecipe, type FixtureExt } from './fixture.recipes.js';
