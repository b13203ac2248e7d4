// The official Node SDK's `crm.timeline` client against localspot (run by
// tests/api/test_node_sdk_apps.py): event templates and their tokens with the app's developer
// API key, events with the token of a portal the app is installed in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@hubspot/api-client';

const basePath = process.env.LOCALSPOT_BASE_URL;
const accessToken = process.env.LOCALSPOT_NODE_TOKEN;
const appId = Number(process.env.LOCALSPOT_NODE_APP);
const developerApiKey = process.env.LOCALSPOT_NODE_DEVELOPER_KEY;
const developer = new Client({ developerApiKey, basePath });
const portal = new Client({ accessToken, basePath });
const { templatesApi, tokensApi } = developer.crm.timeline;
const { eventsApi } = portal.crm.timeline;

const webinar = {
  name: 'Node webinar',
  objectType: 'contacts',
  headerTemplate: 'Registered for **{{webinar}}**',
  detailTemplate: 'Seats: {{seats}}, plan {{plan}}',
  tokens: [
    { name: 'webinar', label: 'Webinar', type: 'string' },
    { name: 'seats', label: 'Seats', type: 'number' },
    {
      name: 'plan',
      label: 'Plan',
      type: 'enumeration',
      options: [{ label: 'Free', value: 'free' }, { label: 'Pro', value: 'pro' }],
    },
  ],
};

const tokenNames = (template) => template.tokens.map((t) => t.name);

test('a template is created, read, listed, updated and archived', async () => {
  const made = await templatesApi.create(appId, { ...webinar, name: 'Node template' });
  assert.match(made.id, /^\d+$/);
  assert.ok(made.createdAt instanceof Date && !Number.isNaN(made.createdAt.getTime()));
  assert.equal(made.name, 'Node template');
  assert.equal(made.objectType, 'contacts');
  assert.equal(made.headerTemplate, webinar.headerTemplate);
  assert.deepEqual(tokenNames(made), ['webinar', 'seats', 'plan']);
  const plan = made.tokens.find((t) => t.name === 'plan');
  assert.deepEqual(plan.options.map((o) => o.value), ['free', 'pro']);
  assert.deepEqual(made.tokens.find((t) => t.name === 'webinar').options, []);

  const read = await templatesApi.getById(made.id, appId);
  assert.equal(read.id, made.id);
  assert.equal(read.detailTemplate, webinar.detailTemplate);
  const all = await templatesApi.getAll(appId);
  assert.ok(all.results.some((t) => t.id === made.id && t.name === 'Node template'));

  const updated = await templatesApi.update(made.id, appId, {
    id: made.id,
    name: 'Node template, renamed',
    headerTemplate: 'Joined {{webinar}}',
    detailTemplate: 'Seats: {{seats}}',
    tokens: webinar.tokens.slice(0, 2),
  });
  assert.equal(updated.id, made.id);
  assert.equal(updated.name, 'Node template, renamed');
  assert.equal(updated.headerTemplate, 'Joined {{webinar}}');
  assert.deepEqual(tokenNames(updated), ['webinar', 'seats']);
  assert.equal((await templatesApi.getById(made.id, appId)).name, 'Node template, renamed');

  await templatesApi.archive(made.id, appId);
  await assert.rejects(
    templatesApi.getById(made.id, appId),
    (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND',
  );
});

test('a token is added, changed and removed', async () => {
  const template = await templatesApi.create(appId, { ...webinar, name: 'Node tokens' });
  const added = await tokensApi.create(template.id, appId, {
    name: 'venue', label: 'Venue', type: 'string',
  });
  assert.equal(added.name, 'venue');
  assert.equal(added.label, 'Venue');
  assert.equal(added.type, 'string');
  assert.deepEqual(added.options, []);
  assert.deepEqual(tokenNames(await templatesApi.getById(template.id, appId)), [
    'webinar', 'seats', 'plan', 'venue',
  ]);

  const changed = await tokensApi.update(template.id, 'plan', appId, {
    label: 'Plan tier',
    options: [
      { label: 'Free', value: 'free' },
      { label: 'Pro', value: 'pro' },
      { label: 'Enterprise', value: 'enterprise' },
    ],
  });
  assert.equal(changed.name, 'plan');
  assert.equal(changed.label, 'Plan tier');
  assert.equal(changed.type, 'enumeration');
  assert.deepEqual(changed.options.map((o) => o.value), ['free', 'pro', 'enterprise']);

  await tokensApi.archive(template.id, 'venue', appId);
  assert.deepEqual(tokenNames(await templatesApi.getById(template.id, appId)), [
    'webinar', 'seats', 'plan',
  ]);
  await templatesApi.archive(template.id, appId);
});

test('events are created one by one and in a batch, and read back rendered', async () => {
  const template = await templatesApi.create(appId, webinar);
  const contact = await portal.crm.contacts.basicApi.create({
    properties: { email: 'node.timeline@example.com' },
    associations: [],
  });
  const timestamp = new Date('2026-01-15T10:30:00Z');
  const made = await eventsApi.create({
    eventTemplateId: template.id,
    id: 'node-event-1',
    objectId: contact.id,
    tokens: { webinar: 'Engines', seats: '3', plan: 'pro' },
    timestamp,
  });
  assert.equal(made.id, 'node-event-1');
  assert.equal(made.eventTemplateId, template.id);
  assert.equal(made.objectId, contact.id);
  assert.equal(made.objectType, 'contacts');
  assert.deepEqual({ ...made.tokens }, { webinar: 'Engines', seats: '3', plan: 'pro' });
  assert.equal(made.timestamp.getTime(), timestamp.getTime());

  const read = await eventsApi.getById(template.id, made.id);
  assert.equal(read.id, made.id);
  assert.equal(read.objectId, contact.id);
  assert.deepEqual({ ...read.tokens }, { ...made.tokens });
  const detail = await eventsApi.getDetailById(template.id, made.id);
  assert.equal(detail.details, '<p>Seats: 3, plan pro</p>\n');
  const header = await eventsApi.getRenderById(template.id, made.id);
  assert.equal(header, '<p>Registered for <strong>Engines</strong></p>\n');
  assert.equal(await eventsApi.getRenderById(template.id, made.id, true), detail.details);

  const batch = await eventsApi.createBatch({
    inputs: [
      { eventTemplateId: template.id, id: 'node-batch-1', objectId: contact.id, tokens: { seats: '1' } },
      {
        eventTemplateId: template.id,
        id: 'node-batch-2',
        email: 'node.timeline@example.com',
        tokens: { webinar: 'Compilers' },
      },
    ],
  });
  assert.equal(batch.status, 'COMPLETE');
  assert.deepEqual(batch.results.map((e) => [e.id, e.objectId]), [
    ['node-batch-1', contact.id],
    ['node-batch-2', contact.id],
  ]);
  const byEmail = await eventsApi.getById(template.id, 'node-batch-2');
  assert.equal(byEmail.objectId, contact.id);
  assert.equal(byEmail.tokens.webinar, 'Compilers');
  assert.equal((await eventsApi.getById(template.id, 'node-batch-1')).tokens.seats, '1');
});

test('an event of an unknown template is HubSpot\'s 404', async () => {
  await assert.rejects(
    eventsApi.getById('987654321', 'none'),
    (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND',
  );
});
