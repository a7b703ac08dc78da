import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findServer, trackingServerList } from './serverList';
import { isRemoteRunKey, parseRunKey, remoteRunKey } from './runKey';

test('servers of the setting in order, normalised, with the environment\'s server last', () => {
  const { servers, problems } = trackingServerList([
    { name: 'team', uri: 'https://mlflow.example.com/' },
    { name: 'lab', uri: 'http://10.0.0.5:5000/mlflow?x=1' },
  ], 'http://127.0.0.1:5000');
  assert.deepEqual(problems, []);
  assert.deepEqual(servers, [
    { name: 'team', uri: 'https://mlflow.example.com', origin: 'settings' },
    { name: 'lab', uri: 'http://10.0.0.5:5000/mlflow', origin: 'settings' },
    { name: 'MLFLOW_TRACKING_URI', uri: 'http://127.0.0.1:5000', origin: 'env' },
  ]);
});

test('bad entries are left out with a reason each; the environment\'s server is not listed twice', () => {
  const { servers, problems } = trackingServerList([
    { name: 'ok', uri: 'http://a:5000' },
    'http://b',
    { name: 'nouri' },
    { name: 'file', uri: 'file:///tmp/mlruns' },
    { name: 'creds', uri: 'http://user:pw@c:5000' },
    { name: 'again', uri: 'http://a:5000/' },
    { name: 'ok', uri: 'http://d:5000' },
    { uri: 'http://e:5000' },
  ], 'http://a:5000');
  assert.deepEqual(servers.map((s) => [s.name, s.uri]), [['ok', 'http://a:5000'], ['e:5000', 'http://e:5000']]);
  assert.equal(problems.length, 6);
  assert.match(problems[0]!, /^runlens\.trackingServers\[1\] is not an object/);
  assert.match(problems[1]!, /\[2\] has no "uri"/);
  assert.match(problems[2]!, /\[3\]: .*not an http\(s\)/);
  assert.match(problems[3]!, /\[4\]: put credentials in MLFLOW_TRACKING_USERNAME/);
  assert.ok(!problems[3]!.includes('pw'), 'a password in a URI is never repeated');
  assert.match(problems[4]!, /\[5\]: http:\/\/a:5000 is listed twice/);
  assert.match(problems[5]!, /\[6\]: the name "ok" is taken/);
});

test('MLflow\'s other tracking URIs in the environment are not servers', () => {
  const { servers, problems } = trackingServerList(undefined, 'databricks');
  assert.deepEqual(servers, []);
  assert.match(problems[0]!, /MLFLOW_TRACKING_URI "databricks" is not an http\(s\) tracking server/);
  assert.deepEqual(trackingServerList(undefined, '  ').problems, []);
});

test('a server is found by name or by URI as typed', () => {
  const { servers } = trackingServerList([{ name: 'team', uri: 'http://a:5000' }], undefined);
  assert.equal(findServer(servers, 'team')?.uri, 'http://a:5000');
  assert.equal(findServer(servers, 'http://a:5000/')?.name, 'team');
  assert.equal(findServer(servers, 'nope'), undefined);
});

test('run keys: local ids stay bare, a server\'s run carries its server', () => {
  const key = remoteRunKey('http://a:5000/mlflow', 'abc123');
  assert.equal(key, 'mlflow:abc123@http://a:5000/mlflow');
  assert.deepEqual(parseRunKey(key), { runId: 'abc123', server: 'http://a:5000/mlflow' });
  assert.deepEqual(parseRunKey('0123abcd'), { runId: '0123abcd' });
  assert.equal(isRemoteRunKey(key), true);
  assert.equal(isRemoteRunKey('mlflow:@x'), false);
});
