// The official Node SDK's association labels and limits at `/crm/associations/v4/...` and its
// custom object schemas batch read (run by tests/api/test_node_sdk_associations_schema.py), in a
// portal of this file's own. SDK 14.0.1 generates `LabelsApi`, `LimitsApi` (crm.associations.v4
// .schema) and `BatchApi` (crm.schemas) but its Client exposes only `definitionsApi`
// and `coreApi`, so `generated` drives them with the Client's own configuration, as its
// generated Observable APIs do; the Client's APIs and `apiRequest` (the `/crm/v4` paths) check
// what they wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Client } from '@hubspot/api-client';

const require = createRequire(import.meta.url);
const lib = '@hubspot/api-client/lib';
const { ApiClientConfigurator } = require(`${lib}/src/configuration/ApiClientConfigurator`);

const basePath = process.env.LOCALSPOT_BASE_URL;
const accessToken = process.env.LOCALSPOT_NODE_TOKEN;
const client = new Client({ accessToken, basePath });

function generated(module, api) {
  const codegen = require(`${lib}/codegen/${module}/index`);
  const { Observable } = require(`${lib}/codegen/${module}/rxjsStub`);
  const apis = require(`${lib}/codegen/${module}/apis/${api}`);
  const params = ApiClientConfigurator.getParams(
    { accessToken, basePath }, codegen.ServerConfiguration, Observable, Observable,
  );
  const configuration = codegen.createConfiguration(params);
  const factory = new apis[`${api}RequestFactory`](configuration);
  const processor = new apis[`${api}ResponseProcessor`]();
  return async (method, ...args) => {
    const request = await factory[method](...args);
    assert.ok(request.getUrl().startsWith(basePath));
    const response = await configuration.httpApi.send(request).toPromise();
    return (await processor[`${method}WithHttpInfo`](response)).data;
  };
}

const labelsApi = generated('crm/associations/v4/schema', 'LabelsApi');
const limitsApi = generated('crm/associations/v4/schema', 'LimitsApi');
const batchApi = generated('crm/schemas', 'BatchApi');
const { definitionsApi } = client.crm.associations.v4.schema;
const v4Limits = async () => (await client.apiRequest({
  method: 'GET', path: '/crm/v4/associations/definitions/configurations/all',
})).json();

const labelled = (results) => Object.fromEntries(results.map((r) => [r.typeId, r.label ?? null]));

test('a label is created, listed, renamed and deleted at /crm/associations/v4', async () => {
  const made = await labelsApi('create', 'contacts', 'companies', {
    label: 'Node partner', name: 'node_partner', inverseLabel: 'Node partnered',
  });
  assert.equal(made.results.length, 2);
  assert.ok(made.results.every((r) => r.category === 'USER_DEFINED'));
  const forward = made.results.find((r) => r.label === 'Node partner').typeId;
  const listed = await labelsApi('getPage', 'contacts', 'companies');
  assert.equal(labelled(listed.results)[forward], 'Node partner');
  assert.deepEqual(
    labelled(listed.results),
    labelled((await definitionsApi.getAll('contacts', 'companies')).results),
  );

  await labelsApi('update', 'contacts', 'companies', {
    associationTypeId: forward, label: 'Node ally', inverseLabel: 'Node allied',
  });
  assert.equal(labelled((await definitionsApi.getAll('contacts', 'companies')).results)[forward], 'Node ally');

  await labelsApi('remove', forward, 'contacts', 'companies');
  const after = labelled((await labelsApi('getPage', 'contacts', 'companies')).results);
  assert.equal(after[forward], undefined);
  assert.equal(after[279], null);
  await assert.rejects(
    labelsApi('remove', forward, 'contacts', 'companies'),
    (error) => error.code === 400
      && error.body.subCategory === 'crm.associations.INVALID_ASSOCIATION_TYPE',
  );
});

test('a limit is created, read, updated and purged at /crm/associations/v4', async () => {
  const spec = { category: 'HUBSPOT_DEFINED', typeId: 1 };
  const made = await limitsApi('batchCreate', 'contacts', 'companies', {
    inputs: [{ ...spec, maxToObjectIds: 4 }],
  });
  assert.equal(made.status, 'COMPLETE');
  assert.deepEqual(made.results.map((r) => [r.typeId, r.label, r.userEnforcedMaxToObjectIds]), [
    [1, 'Primary', 4],
  ]);
  const pair = await limitsApi('getPageBetweenTwoObjectTypes', 'contacts', 'companies');
  assert.deepEqual(pair.results.map((r) => [r.typeId, r.userEnforcedMaxToObjectIds]), [[1, 4]]);
  assert.deepEqual((await limitsApi('getPageBetweenTwoObjectTypes', 'companies', 'contacts')).results, []);

  const updated = await limitsApi('batchUpdate', 'contacts', 'companies', {
    inputs: [{ ...spec, maxToObjectIds: 6 }],
  });
  assert.deepEqual(updated.results.map((r) => [r.typeId, r.userEnforcedMaxToObjectIds]), [[1, 6]]);
  const all = await limitsApi('getPage');
  assert.deepEqual(all.results.map((r) => [r.typeId, r.userEnforcedMaxToObjectIds]), [[1, 6]]);
  assert.deepEqual(JSON.parse(JSON.stringify(all)), await v4Limits());

  await limitsApi('batchRemove', 'contacts', 'companies', { inputs: [spec] });
  assert.deepEqual((await limitsApi('getPage')).results, []);
});

const schemaEgg = (name, associatedObjects) => ({
  name,
  labels: { singular: name, plural: `${name}s` },
  primaryDisplayProperty: 'title',
  requiredProperties: ['title'],
  properties: [{ name: 'title', label: 'Title', type: 'string', fieldType: 'text' }],
  associatedObjects,
});

test('custom object schemas are read in a batch', async () => {
  const boats = await client.crm.schemas.coreApi.create(schemaEgg('node_boats', ['CONTACT']));
  const sails = await client.crm.schemas.coreApi.create(schemaEgg('node_sails', []));
  const all = {
    includePropertyDefinitions: true,
    includeAssociationDefinitions: true,
    includeAuditMetadata: true,
  };
  const read = await batchApi('crmObjectSchemasV3SchemasBatchRead', {
    inputs: ['node_sails', 'node_nothing', boats.id], ...all,
  });
  assert.deepEqual(read.results.map((s) => s.id), [sails.id, boats.id]);
  const [, boat] = read.results;
  assert.equal(boat.fullyQualifiedName, boats.fullyQualifiedName);
  assert.ok(boat.properties.some((p) => p.name === 'title'));
  assert.deepEqual(boat.associations.map((a) => a.toObjectTypeId), ['0-1']);
  assert.ok(boat.createdAt instanceof Date && !Number.isNaN(boat.createdAt.getTime()));
  assert.deepEqual(
    JSON.parse(JSON.stringify(boat)),
    JSON.parse(JSON.stringify(await client.crm.schemas.coreApi.getById(boats.id))),
  );

  const bare = await batchApi('crmObjectSchemasV3SchemasBatchRead', {
    inputs: [boats.fullyQualifiedName],
    includePropertyDefinitions: false,
    includeAssociationDefinitions: false,
    includeAuditMetadata: false,
  });
  assert.equal(bare.results.length, 1);
  assert.deepEqual([bare.results[0].properties, bare.results[0].associations], [[], []]);
  assert.equal(bare.results[0].createdAt, undefined);
  assert.equal(bare.results[0].name, 'node_boats');

  await assert.rejects(
    batchApi('crmObjectSchemasV3SchemasBatchRead', { inputs: [boats.id] }),
    (error) => error.code === 400 && error.body.category === 'VALIDATION_ERROR',
  );
});
