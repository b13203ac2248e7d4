// The official Node SDK's list conversions against localspot (run by
// tests/api/test_node_sdk_lists.py): schedule, read back and cancel through `crm.lists.listsApi`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@hubspot/api-client';
import { byEmail } from './filters.mjs';

const basePath = process.env.LOCALSPOT_BASE_URL;
const accessToken = process.env.LOCALSPOT_NODE_TOKEN;
const client = new Client({ accessToken, basePath });

const branch = byEmail('node@example.com');

async function dynamicList(name) {
  const created = await client.crm.lists.listsApi.create({
    name, objectTypeId: '0-1', processingType: 'DYNAMIC', filterBranch: branch,
  });
  return created.list.listId;
}

test('a conversion is scheduled, read back, changed and cancelled', async () => {
  const listId = await dynamicList('Node conversion');
  const nextYear = new Date().getUTCFullYear() + 1;
  const byDate = { conversionType: 'CONVERSION_DATE', day: 15, month: 6, year: nextYear };
  const scheduled = await client.crm.lists.listsApi.scheduleOrUpdateConversion(listId, byDate);
  assert.equal(scheduled.listId, listId);
  assert.deepEqual({ ...scheduled.requestedConversionTime }, byDate);
  assert.equal(scheduled.convertedAt, undefined);
  const byInactivity = { conversionType: 'INACTIVITY', offset: 3, timeUnit: 'WEEK' };
  await client.crm.lists.listsApi.scheduleOrUpdateConversion(listId, byInactivity);
  const read = await client.crm.lists.listsApi.getConversionDetails(listId);
  assert.deepEqual({ ...read.requestedConversionTime }, byInactivity);
  await client.crm.lists.listsApi.cancelConversion(listId);
  const cancelled = await client.crm.lists.listsApi.getConversionDetails(listId);
  assert.equal(cancelled.listId, listId);
  assert.equal(cancelled.requestedConversionTime, undefined);
  await assert.rejects(
    client.crm.lists.listsApi.cancelConversion(listId),
    (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND',
  );
});

test('a MANUAL list is refused with HubSpot\'s 400', async () => {
  const created = await client.crm.lists.listsApi.create({
    name: 'Node manual', objectTypeId: '0-1', processingType: 'MANUAL',
  });
  const byDate = { conversionType: 'CONVERSION_DATE', day: 1, month: 1, year: 2100 };
  await assert.rejects(
    client.crm.lists.listsApi.scheduleOrUpdateConversion(created.list.listId, byDate),
    (error) => error.code === 400 && error.body.category === 'VALIDATION_ERROR',
  );
});
