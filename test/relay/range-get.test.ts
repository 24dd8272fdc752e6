import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rangeOf } from '../../src/relay/range-get.js';

test('a range answer holds the keys from the cursor on, in order, cut at the byte limit (at least one key)', () => {
  const node: Record<string, unknown> = { _: { '#': 's', '>': {} } };
  for (let i = 0; i < 50; i++) node[`k${String(i).padStart(3, '0')}`] = 'v'.repeat(100);
  assert.deepEqual(rangeOf(node, { '>': 'k045' }, 100_000), ['k045', 'k046', 'k047', 'k048', 'k049']);
  assert.deepEqual(rangeOf(node, { '>': 'k010', '<': 'k012' }, 100_000), ['k010', 'k011', 'k012']);
  assert.equal(rangeOf(node, { '>': 'k000' }, 1000).length, 10);
  assert.deepEqual(rangeOf(node, { '>': 'k049' }, 1), ['k049']);
  assert.deepEqual(rangeOf(node, { '>': 'z' }, 1000), []);
});
