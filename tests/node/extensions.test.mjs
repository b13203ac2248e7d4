// The official Node SDK's CRM extension calls that localspot serves beyond the Python SDK's:
// calling's inbound-call and the cards' views migration (run by tests/api/test_node_sdk.py).
// SDK 14.0.1 generates both (each an AdvancedApi request factory and response processor) but
// its Client doesn't expose them, so `advanced` drives them with the Client's own
// configuration, as its generated Observable APIs do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Client } from '@hubspot/api-client';

const require = createRequire(import.meta.url);
const lib = '@hubspot/api-client/lib';
const { ApiClientConfigurator } = require(`${lib}/src/configuration/ApiClientConfigurator`);

function advanced(kind, options, query = {}) {
  const codegen = require(`${lib}/codegen/crm/extensions/${kind}/index`);
  const { Observable } = require(`${lib}/codegen/crm/extensions/${kind}/rxjsStub`);
  const apis = require(`${lib}/codegen/crm/extensions/${kind}/apis/AdvancedApi`);
  const params = ApiClientConfigurator.getParams(options, codegen.ServerConfiguration, Observable, Observable);
  const configuration = codegen.createConfiguration(params);
  const factory = new apis.AdvancedApiRequestFactory(configuration);
  const processor = new apis.AdvancedApiResponseProcessor();
  return async (method, ...args) => {
    const request = await factory[method](...args);
    for (const [name, value] of Object.entries(query)) request.setQueryParam(name, value);
    const response = await configuration.httpApi.send(request).toPromise();
    return (await processor[`${method}WithHttpInfo`](response)).data;
  };
}

const basePath = process.env.LOCALSPOT_BASE_URL;
const accessToken = process.env.LOCALSPOT_NODE_TOKEN;
const portalId = Number(process.env.LOCALSPOT_NODE_PORTAL);
const contactId = Number(process.env.LOCALSPOT_NODE_CONTACT);
const appId = Number(process.env.LOCALSPOT_NODE_APP);
const developerApiKey = process.env.LOCALSPOT_NODE_DEVELOPER_KEY;
const cardId = Number(process.env.LOCALSPOT_NODE_CARD);

const inbound = (externalCallId, createEngagement) => ({
  externalCallId,
  finalCallStatus: 'COMPLETED',
  fromNumber: { e164Number: '+16175550100', phoneNumberType: 'MOBILE' },
  toNumber: { e164Number: '+16175550999', phoneNumberType: 'FIXED_LINE' },
  createEngagement,
  engagementProperties: { hs_call_title: 'From the Node SDK' },
  potentialRecipientUserIds: [],
  callStartedTimestamp: new Date('2026-01-15T10:00:00Z'),
  durationSeconds: 30,
});

test('inbound-call returns the caller id match and creates the call', async () => {
  const client = new Client({ accessToken, basePath });
  const calling = advanced('calling', { accessToken, basePath });
  const answer = await calling('crmV3ExtensionsCallingInboundCall', inbound('node-1', true));
  assert.deepEqual(JSON.parse(JSON.stringify(answer)), {
    callerIdMatches: [
      {
        callerIdType: 'CONTACT',
        email: 'node@example.com',
        firstName: 'Node',
        objectCoordinates: { objectId: contactId, objectTypeId: '0-1', portalId },
      },
    ],
  });
  const found = await client.crm.objects.calls.searchApi.doSearch({
    filterGroups: [
      { filters: [{ propertyName: 'hs_call_external_id', operator: 'EQ', value: 'node-1' }] },
    ],
    properties: ['hs_call_title', 'hs_call_duration', 'hs_call_direction'],
  });
  assert.equal(found.total, 1);
  const call = await client.crm.objects.calls.basicApi.getById(found.results[0].id, [
    'hs_call_title',
    'hs_call_duration',
    'hs_call_direction',
  ]);
  assert.equal(call.properties.hs_call_title, 'From the Node SDK');
  assert.equal(call.properties.hs_call_duration, '30000');
  assert.equal(call.properties.hs_call_direction, 'INBOUND');
});

test('inbound-call with a bad number is a HubSpot 400', async () => {
  const calling = advanced('calling', { accessToken, basePath });
  const fromNumber = { e164Number: '555', phoneNumberType: 'UAN' };
  await assert.rejects(
    calling('crmV3ExtensionsCallingInboundCall', { ...inbound('node-2', false), fromNumber }),
    (error) => error.code === 400 && error.body.category === 'VALIDATION_ERROR',
  );
});

// The SDK sends this call with an OAuth token only (HubSpot's spec); localspot's cards-dev
// calls take the developer API key as the SDK's other cards calls send it (`hapikey`).
const migrate = () => advanced('cards', { developerApiKey, basePath }, { hapikey: developerApiKey });

test('views/migrate answers with the installed portal count', async () => {
  const answer = await migrate()('crmV3ExtensionsCardsDevAppIdViewsMigrate', appId, {
    legacyCrmCardId: cardId,
    appCardId: 31,
    allowDuplicateAppCardIds: false,
  });
  assert.equal(answer.message, `Card ${cardId} is replaced by app card 31 in the views of 1 portal`);
  assert.equal(answer.totalPortalCount, 1);
  assert.equal(answer.remainingPortalCount, 0);
  assert.equal(answer.startedAt, answer.endedAt);
});

test('views/migrate of a card the app lacks is a HubSpot 404', async () => {
  await assert.rejects(
    migrate()('crmV3ExtensionsCardsDevAppIdViewsMigrate', appId, {
      legacyCrmCardId: 987654321,
      appCardId: 32,
      allowDuplicateAppCardIds: false,
    }),
    (error) => error.code === 404 && error.body.message === 'Card 987654321 not found',
  );
});
