import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deploymentImage, deploymentImageParts, formatDeploymentImage, imageRequestLog } from './deploymentImage';

const ID = `sha256:${'0123456789ab'.padEnd(64, 'f')}`;

test('a container deployment\'s image: written as tag@id, read back whole, shown with the id\'s first 12 hex', () => {
  const image = deploymentImage('localhost:5000/runlens/churn:3', ID);
  assert.equal(image, `localhost:5000/runlens/churn:3@${ID}`);
  assert.deepEqual(deploymentImageParts(image), { tag: 'localhost:5000/runlens/churn:3', id: ID });
  assert.equal(formatDeploymentImage(image), 'localhost:5000/runlens/churn:3 (0123456789ab)');
  // a value written without an id (by hand, or an older writer) is all tag
  assert.deepEqual(deploymentImageParts('runlens/churn:3'), { tag: 'runlens/churn:3', id: null });
  assert.equal(formatDeploymentImage('runlens/churn:3'), 'runlens/churn:3');
});

test('a served image logs into a folder of its own under the store', () => {
  assert.equal(imageRequestLog('/w/.runlens', 'churn', 3), join('/w/.runlens', 'serving', 'churn-v3-image', 'requests.jsonl'));
});
