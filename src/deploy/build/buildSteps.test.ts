import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildStepTracker, formatStep } from './buildSteps';
import { parseDockerfile, parseLabels, quoteLabelValue, renderDockerfile } from './dockerfile';

function feed(lines: string[]): BuildStepTracker {
  const t = new BuildStepTracker();
  for (const l of lines) t.push(l);
  return t;
}

test('buildah and podman: STEP n/m lines; the failed step is the last one started', () => {
  const t = feed([
    'STEP 1/9: FROM node:20-bookworm-slim',
    'STEP 2/9: WORKDIR /app',
    'STEP 3/9: COPY server/serve.js /app/server/serve.js',
    'Error: building at STEP "COPY server/serve.js /app/server/serve.js": checking on sources: no such file',
  ]);
  assert.equal(t.steps.length, 3);
  assert.equal(formatStep(t.failedStep()!), 'step 3/9 (COPY server/serve.js /app/server/serve.js)');
  assert.match(t.errorLine()!, /^building at STEP/);
});

test('docker classic builder: Step n/m : lines', () => {
  const t = feed(['Sending build context to Docker daemon  5.1MB', 'Step 1/9 : FROM node:20-bookworm-slim', ' ---> 1234', 'Step 2/9 : WORKDIR /app']);
  assert.deepEqual(t.failedStep(), { index: 2, total: 9, instruction: 'WORKDIR /app' });
});

test('BuildKit: the vertex that printed ERROR is the failed step, not the last started', () => {
  const t = feed([
    '#1 [internal] load build definition from Dockerfile',
    '#5 [1/9] FROM docker.io/library/node:20-bookworm-slim',
    '#6 [2/9] WORKDIR /app',
    '#7 [3/9] COPY server/serve.js /app/server/serve.js',
    '#8 [stage-0 4/9] COPY model/model.json /app/model/model.json',
    '#7 ERROR: failed to calculate checksum: "/server/serve.js": not found',
    '#8 [stage-0 4/9] COPY model/model.json /app/model/model.json',
    'ERROR: failed to solve: failed to compute cache key',
  ]);
  assert.equal(t.steps.length, 4, 'a vertex printed twice is one step');
  assert.equal(formatStep(t.failedStep()!), 'step 3/9 (COPY server/serve.js /app/server/serve.js)');
  assert.equal(t.errorLine(), 'failed to solve: failed to compute cache key');
});

test('labels survive quoting: quotes, backslashes, $ and newlines', () => {
  const tricky = 'a "quoted" \\ $HOME\nnext';
  assert.equal(quoteLabelValue(tricky), '"a \\"quoted\\" \\\\ \\$HOME next"');
  const text = renderDockerfile({ baseImage: 'node:20', description: 'x', labels: { 'runlens.model.name': tricky, 'runlens.git.commit': null, 'org.opencontainers.image.version': '3' } });
  const instructions = parseDockerfile(text);
  const label = instructions.find((i) => i.keyword === 'LABEL')!;
  assert.deepEqual(parseLabels(label.args), { 'runlens.model.name': 'a "quoted" \\ $HOME next', 'org.opencontainers.image.version': '3' });
  assert.deepEqual(instructions.map((i) => i.keyword), ['FROM', 'WORKDIR', 'COPY', 'COPY', 'ENV', 'EXPOSE', 'USER', 'HEALTHCHECK', 'LABEL', 'ENTRYPOINT', 'CMD']);
  // Continuation lines are one instruction that starts on its first line.
  assert.equal(label.line, text.split('\n').findIndex((l) => l.startsWith('LABEL ')) + 1);
});
