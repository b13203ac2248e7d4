// The official Node SDK's retry path against localspot's 429s (run by tests/api/test_node_sdk.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@hubspot/api-client';

const basePath = process.env.LOCALSPOT_BASE_URL;
const accessToken = process.env.LOCALSPOT_NODE_TOKEN;

function countRetries() {
  const seen = [];
  const original = console.error;
  console.error = (message) => seen.push(String(message));
  return { seen, restore: () => { console.error = original; } };
}

test('a ten-secondly 429 is retried and then succeeds', async () => {
  const client = new Client({ accessToken, basePath, numberOfApiCallRetries: 3 });
  const retries = countRetries();
  try {
    for (let n = 0; n < 3; n++) {
      const page = await client.crm.objects.calls.basicApi.getPage(1);
      assert.ok(Array.isArray(page.results));
    }
  } finally {
    retries.restore();
  }
  assert.ok(retries.seen.some((m) => m.includes('[429]')), retries.seen.join('\n'));
});

test('a secondly search 429 is retried and then succeeds', async () => {
  const client = new Client({ accessToken, basePath, numberOfApiCallRetries: 3 });
  const retries = countRetries();
  try {
    for (let n = 0; n < 3; n++) {
      const found = await client.crm.objects.calls.searchApi.doSearch({ limit: 1 });
      assert.equal(typeof found.total, 'number');
    }
  } finally {
    retries.restore();
  }
  assert.ok(retries.seen.some((m) => m.includes('[429]')), retries.seen.join('\n'));
});
