import { test } from 'node:test';
import assert from 'node:assert/strict';
import { databaseKeysIn, databaseUrlProblem, passwordEnvFor } from './databasePasswordKeys';
import { DB_PASSWORDS_ENV } from '../../datasets/sql/sqlSource';

test('a config gets the stored passwords of the databases it names, and no others', () => {
  const yaml = 'data:\n  train_sql: { url: "postgres://app@db.internal/shop", query: "SELECT 1" }\n  test_sql: { url: \'postgresql://app:${PGPASS}@db.internal:5433/shop\', query: "SELECT 2" }\n';
  assert.deepEqual(databaseKeysIn(yaml), ['app@db.internal:5432/shop', 'app@db.internal:5433/shop']);
  const stored = new Map([['app@db.internal:5432/shop', 's3cret'], ['other@elsewhere:5432/x', 'nope']]);
  assert.deepEqual(passwordEnvFor(yaml, stored), { [DB_PASSWORDS_ENV]: JSON.stringify({ 'app@db.internal:5432/shop': 's3cret' }) });
  assert.deepEqual(passwordEnvFor('data: { path: data/iris.csv, target: species }', stored), {});
});

test('the database typed in the command is checked before a password is asked for', () => {
  assert.equal(databaseUrlProblem('postgres://app@db/shop'), undefined);
  assert.match(databaseUrlProblem('mysql://app@db/shop') ?? '', /PostgreSQL URL/);
  assert.match(databaseUrlProblem('postgres://db/shop') ?? '', /name the user/);
  assert.match(databaseUrlProblem('postgres://app@db') ?? '', /name the database/);
  assert.match(databaseUrlProblem('postgres://app:pw@db/shop') ?? '', /leave the password out/);
});
