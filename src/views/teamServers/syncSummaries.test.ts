import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyPullSummary } from '../../tracking/pull/pullTypes';
import { emptySummary } from '../../tracking/push/pushTypes';
import { pullSummaryText, pushSummaryText } from './syncSummaries';

test('a pull says what it brought, or that nothing was new', () => {
  assert.equal(pullSummaryText({ ...emptyPullSummary(), runsNew: 1, points: 61, params: 2, artifacts: 1 }, 'team'),
    'pulled 1 run from team (1 new, 0 updated, 0 unchanged): 61 metric points, 2 params, 1 artifact');
  assert.equal(pullSummaryText({ ...emptyPullSummary(), runsUnchanged: 1 }, 'team'), 'pulled 1 run from team (0 new, 0 updated, 1 unchanged): nothing new');
});

test('a push says which runs were new, updated or there already, and what it sent', () => {
  assert.equal(pushSummaryText({ ...emptySummary(), runsUpdated: 1, points: 1500 }, 'secure'), 'pushed 1 run to secure: 0 new runs, 1 updated, 0 already there; sent 1500 metric points');
  assert.equal(pushSummaryText({ ...emptySummary(), runsCreated: 1, runsUnchanged: 2, params: 1 }, 'secure'), 'pushed 3 runs to secure: 1 new run, 0 updated, 2 already there; sent 1 param');
});
