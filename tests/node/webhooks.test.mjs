// The official Node SDK's `webhooks` client against localspot (run by
// tests/api/test_node_sdk_apps.py): an app's settings and subscriptions, with the app's
// developer API key (the SDK sends it as `hapikey`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@hubspot/api-client';

const basePath = process.env.LOCALSPOT_BASE_URL;
const appId = Number(process.env.LOCALSPOT_NODE_APP);
const developerApiKey = process.env.LOCALSPOT_NODE_DEVELOPER_KEY;
const { settingsApi, subscriptionsApi } = new Client({ developerApiKey, basePath }).webhooks;

const receiver = 'https://receiver.example.com/hubspot';

test('settings are configured, read back, changed and cleared', async () => {
  const saved = await settingsApi.configure(appId, {
    targetUrl: receiver,
    throttling: { maxConcurrentRequests: 10 },
  });
  assert.equal(saved.targetUrl, receiver);
  assert.equal(saved.throttling.maxConcurrentRequests, 10);
  assert.ok(saved.createdAt instanceof Date && !Number.isNaN(saved.createdAt.getTime()));
  const read = await settingsApi.getAll(appId);
  assert.equal(read.targetUrl, receiver);
  assert.equal(read.createdAt.getTime(), saved.createdAt.getTime());
  const changed = await settingsApi.configure(appId, {
    targetUrl: `${receiver}/v2`,
    throttling: { maxConcurrentRequests: 7 },
  });
  assert.equal(changed.targetUrl, `${receiver}/v2`);
  assert.equal(changed.throttling.maxConcurrentRequests, 7);
  await settingsApi.clear(appId);
  await assert.rejects(
    settingsApi.getAll(appId),
    (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND',
  );
});

test('a subscription is created, read, paused, listed and archived', async () => {
  const made = await subscriptionsApi.create(appId, {
    eventType: 'contact.propertyChange',
    propertyName: 'email',
    active: true,
  });
  assert.equal(made.eventType, 'contact.propertyChange');
  assert.equal(made.propertyName, 'email');
  assert.equal(made.active, true);
  assert.ok(made.createdAt instanceof Date && !Number.isNaN(made.createdAt.getTime()));
  const id = Number(made.id);
  assert.ok(Number.isInteger(id) && id > 0, made.id);

  const read = await subscriptionsApi.getById(id, appId);
  assert.equal(read.id, made.id);
  assert.equal(read.propertyName, 'email');

  const paused = await subscriptionsApi.update(id, appId, { active: false });
  assert.equal(paused.id, made.id);
  assert.equal(paused.active, false);

  const generic = await subscriptionsApi.create(appId, {
    eventType: 'object.creation',
    objectTypeId: '0-3',
  });
  assert.equal(generic.objectTypeId, '0-3');
  const all = await subscriptionsApi.getAll(appId);
  const byId = Object.fromEntries(all.results.map((s) => [s.id, s]));
  assert.equal(byId[made.id].active, false);
  assert.equal(byId[generic.id].eventType, 'object.creation');

  await subscriptionsApi.archive(id, appId);
  await assert.rejects(
    subscriptionsApi.getById(id, appId),
    (error) => error.code === 404
      && error.body.category === 'OBJECT_NOT_FOUND'
      && error.body.message === `Subscription ${id} not found`,
  );
  const left = await subscriptionsApi.getAll(appId);
  assert.deepEqual(left.results.map((s) => s.id), [generic.id]);
  await subscriptionsApi.archive(Number(generic.id), appId);
});

test('a batch update changes every subscription it names', async () => {
  const first = await subscriptionsApi.create(appId, { eventType: 'deal.creation', active: true });
  const second = await subscriptionsApi.create(appId, { eventType: 'deal.deletion', active: true });
  const done = await subscriptionsApi.updateBatch(appId, {
    inputs: [
      { id: Number(first.id), active: false },
      { id: Number(second.id), active: false },
    ],
  });
  assert.equal(done.status, 'COMPLETE');
  assert.ok(done.startedAt instanceof Date && done.completedAt instanceof Date);
  assert.deepEqual(
    done.results.map((s) => [s.id, s.eventType, s.active]).sort(),
    [[first.id, 'deal.creation', false], [second.id, 'deal.deletion', false]].sort(),
  );
  const read = await subscriptionsApi.getById(Number(second.id), appId);
  assert.equal(read.active, false);

  const partial = await subscriptionsApi.updateBatch(appId, {
    inputs: [{ id: Number(first.id), active: true }, { id: 987654321, active: true }],
  });
  assert.deepEqual(partial.results.map((s) => [s.id, s.active]), [[first.id, true]]);
  assert.equal(partial.numErrors, 1);
  assert.equal(partial.errors[0].category, 'SUBSCRIPTION_ID_NOT_FOUND');
  assert.deepEqual(partial.errors[0].context.subscriptionIds, ['987654321']);
});

test('a subscription to an unknown property is HubSpot\'s 400', async () => {
  await assert.rejects(
    subscriptionsApi.create(appId, { eventType: 'contact.propertyChange', propertyName: 'no_such' }),
    (error) => error.code === 400 && error.body.category === 'VALIDATION_ERROR',
  );
});
