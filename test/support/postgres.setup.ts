// The `postgres` jest project: every test server of this file gets a PostgreSQL database.
process.env.RATIFY_TEST_DATABASE = 'postgres';
