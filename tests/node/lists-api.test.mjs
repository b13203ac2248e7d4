// The official Node SDK's `crm.lists` client against localspot (run by
// tests/api/test_node_sdk_lists.py): lists, memberships, folders and legacy id mapping, in a
// portal of this file's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@hubspot/api-client';
import { byEmail } from './filters.mjs';

const basePath = process.env.LOCALSPOT_BASE_URL;
const accessToken = process.env.LOCALSPOT_NODE_TOKEN;
const client = new Client({ accessToken, basePath });
const { listsApi, membershipsApi, foldersApi, mappingApi } = client.crm.lists;

async function contacts(prefix, n) {
  const inputs = Array.from({ length: n }, (_, i) => ({
    properties: { email: `${prefix}${i}@example.com` },
    associations: [],
  }));
  const made = await client.crm.contacts.batchApi.create({ inputs });
  const ids = new Map(made.results.map((r) => [r.properties.email, r.id]));
  return inputs.map((input) => ids.get(input.properties.email));
}

const manual = async (name) => (await listsApi.create({
  name, objectTypeId: '0-1', processingType: 'MANUAL',
})).list;

const numerically = (ids) => [...ids].sort((a, b) => Number(a) - Number(b));

test('lists are created, found, renamed, refiltered, deleted and restored', async () => {
  const [ann] = await contacts('node.lists.ann', 1);
  const [bob] = await contacts('node.lists.bob', 1);
  const made = await listsApi.create({
    name: 'Node dynamic list',
    objectTypeId: '0-1',
    processingType: 'DYNAMIC',
    filterBranch: byEmail('node.lists.ann0@example.com'),
  });
  const { listId } = made.list;
  assert.match(listId, /^\d+$/);
  assert.equal(made.list.name, 'Node dynamic list');
  assert.equal(made.list.processingType, 'DYNAMIC');
  assert.equal(made.list.objectTypeId, '0-1');

  const read = await listsApi.getById(listId, true);
  assert.equal(read.list.listId, listId);
  assert.equal(read.list.size, 1);
  assert.equal(read.list.filterBranch.filterBranchType, 'OR');
  const page = await membershipsApi.getPage(listId);
  assert.deepEqual(page.results.map((m) => m.recordId), [ann]);

  const named = await listsApi.getByName('Node dynamic list', '0-1');
  assert.equal(named.list.listId, listId);

  const other = await manual('Node manual list');
  const several = await listsApi.getAll([listId, other.listId]);
  assert.deepEqual(
    several.lists.map((l) => [l.listId, l.name]).sort(),
    [[listId, 'Node dynamic list'], [other.listId, 'Node manual list']].sort(),
  );

  const found = await listsApi.doSearch({ query: 'Node dynamic', processingTypes: ['DYNAMIC'] });
  assert.equal(found.total, 1);
  assert.equal(found.hasMore, false);
  assert.deepEqual(found.lists.map((l) => l.listId), [listId]);

  const renamed = await listsApi.updateName(listId, 'Node renamed list', false);
  assert.equal(renamed.updatedList.listId, listId);
  assert.equal(renamed.updatedList.name, 'Node renamed list');
  assert.equal((await listsApi.getByName('Node renamed list', '0-1')).list.listId, listId);

  const refiltered = await listsApi.updateListFilters(listId, {
    filterBranch: byEmail('node.lists.bob0@example.com'),
  });
  assert.equal(refiltered.updatedList.listId, listId);
  assert.ok(refiltered.updatedList.listVersion > made.list.listVersion);
  const after = await membershipsApi.getPage(listId);
  assert.deepEqual(after.results.map((m) => m.recordId), [bob]);

  await listsApi.remove(listId);
  // By id, a deleted list is still answered, with its deletedAt; by name it is gone.
  const gone = (await listsApi.getById(listId)).list;
  assert.ok(gone.deletedAt instanceof Date);
  await assert.rejects(
    listsApi.getByName('Node renamed list', '0-1'),
    (error) => error.code === 404,
  );
  await listsApi.restore(listId);
  const back = (await listsApi.getById(listId)).list;
  assert.equal(back.name, 'Node renamed list');
  assert.equal(back.deletedAt, undefined);
});

test('an unknown list id is HubSpot\'s 404', async () => {
  await assert.rejects(
    listsApi.getById('987654321'),
    (error) => error.code === 404
      && error.body.category === 'OBJECT_NOT_FOUND'
      && error.body.message === 'List 987654321 does not exist',
  );
});

test('members are added, removed, copied, paged and cleared', async () => {
  const ids = await contacts('node.members', 5);
  const list = await manual('Node members');
  const added = await membershipsApi.add(list.listId, [ids[2], ids[0], ids[1], '987654321']);
  assert.deepEqual(numerically(added.recordsIdsAdded), numerically(ids.slice(0, 3)));
  assert.deepEqual(added.recordIdsMissing, ['987654321']);
  assert.deepEqual(added.recordIdsRemoved, []);

  const removed = await membershipsApi.remove(list.listId, [ids[1]]);
  assert.deepEqual(removed.recordIdsRemoved, [ids[1]]);
  assert.deepEqual(removed.recordsIdsAdded, []);

  const changed = await membershipsApi.addAndRemove(list.listId, {
    recordIdsToAdd: [ids[3], ids[4]],
    recordIdsToRemove: [ids[0]],
  });
  assert.deepEqual(numerically(changed.recordsIdsAdded), numerically([ids[3], ids[4]]));
  assert.deepEqual(changed.recordIdsRemoved, [ids[0]]);

  // Members by record id, two a page, forwards and then back.
  const first = await membershipsApi.getPage(list.listId, undefined, undefined, 2);
  const members = numerically([ids[2], ids[3], ids[4]]);
  assert.deepEqual(first.results.map((m) => m.recordId), members.slice(0, 2));
  assert.ok(first.results.every((m) => m.membershipTimestamp instanceof Date));
  const second = await membershipsApi.getPage(list.listId, first.paging.next.after, undefined, 2);
  assert.deepEqual(second.results.map((m) => m.recordId), members.slice(2));
  assert.equal(second.paging?.next, undefined);
  // With only `before`, HubSpot answers the ids before it in descending order.
  const back = await membershipsApi.getPage(list.listId, undefined, second.paging.prev.before, 2);
  assert.deepEqual(back.results.map((m) => m.recordId), members.slice(0, 2).reverse());

  // Members by the time they joined: ids[2] first, then ids[3] and ids[4] together.
  const joined = await membershipsApi.getPageOrderedByAddedToListDate(
    list.listId, undefined, undefined, 1,
  );
  assert.deepEqual(joined.results.map((m) => m.recordId), [ids[2]]);
  const rest = await membershipsApi.getPageOrderedByAddedToListDate(
    list.listId, joined.paging.next.after, undefined, 10,
  );
  assert.deepEqual(numerically(rest.results.map((m) => m.recordId)), numerically([ids[3], ids[4]]));

  const lists = await membershipsApi.getLists('0-1', ids[2]);
  assert.deepEqual(lists.results.map((m) => m.listId), [list.listId]);
  assert.ok(lists.results[0].firstAddedTimestamp instanceof Date);
  assert.ok(lists.results[0].lastAddedTimestamp instanceof Date);

  const copy = await manual('Node members copy');
  await membershipsApi.addAllFromList(copy.listId, list.listId);
  const copied = await membershipsApi.getPage(copy.listId);
  assert.deepEqual(copied.results.map((m) => m.recordId), members);
  assert.equal((await listsApi.getById(copy.listId)).list.size, 3);

  await membershipsApi.removeAll(list.listId);
  assert.deepEqual((await membershipsApi.getPage(list.listId)).results, []);
  assert.equal((await listsApi.getById(list.listId)).list.size, 0);
});

// Folder ids are strings in HubSpot's OpenAPI file; SDK 14.0.1 types them as numbers but
// keeps the strings it reads.
test('folders are created, nested, renamed, moved, filled and removed', async () => {
  const top = (await foldersApi.create({ name: 'Node folders' })).folder;
  assert.match(top.id, /^\d+$/);
  assert.equal(top.name, 'Node folders');
  assert.equal(top.parentFolderId, '0');
  assert.deepEqual(top.childLists, []);
  const inner = (await foldersApi.create({ name: 'Node inner', parentFolderId: top.id })).folder;
  assert.equal(inner.parentFolderId, top.id);
  const side = (await foldersApi.create({ name: 'Node side' })).folder;

  const renamed = (await foldersApi.rename(side.id, 'Node side, renamed')).folder;
  assert.equal(renamed.id, side.id);
  assert.equal(renamed.name, 'Node side, renamed');
  const moved = (await foldersApi.move(side.id, top.id)).folder;
  assert.equal(moved.parentFolderId, top.id);

  const list = await manual('Node in a folder');
  await foldersApi.moveList({ listId: list.listId, newFolderId: inner.id });
  const tree = (await foldersApi.getAll(top.id)).folder;
  assert.deepEqual(tree.childNodes.map((c) => c.name).sort(), ['Node inner', 'Node side, renamed']);
  assert.deepEqual((await foldersApi.getAll(inner.id)).folder.childLists, [Number(list.listId)]);
  const root = (await foldersApi.getAll()).folder;
  assert.equal(root.id, '0');
  assert.ok(root.childNodes.some((c) => c.id === top.id));

  await foldersApi.moveList({ listId: list.listId, newFolderId: '0' });
  await foldersApi.remove(inner.id);
  await foldersApi.remove(side.id);
  await foldersApi.remove(top.id);
  await assert.rejects(
    foldersApi.getAll(top.id),
    (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND',
  );
});

test('legacy list ids translate one at a time and in a batch', async () => {
  const list = await manual('Node legacy');
  const batch = await mappingApi.translateLegacyListIdToListIdBatch(['987654321', 'x']);
  assert.deepEqual(batch.legacyListIdsToIdsMapping, []);
  assert.deepEqual(batch.missingLegacyListIds.sort(), ['987654321', 'x']);
  // The legacy id of a contact list is found by asking for every list's.
  const everyId = Array.from({ length: 50 }, (_, i) => String(i + 1));
  const known = await mappingApi.translateLegacyListIdToListIdBatch(everyId);
  const mine = known.legacyListIdsToIdsMapping.find((m) => m.listId === list.listId);
  assert.ok(mine, JSON.stringify(known));
  const one = await mappingApi.translateLegacyListIdToListId(mine.legacyListId);
  assert.equal(one.listId, list.listId);
  assert.equal(one.legacyListId, mine.legacyListId);
  await assert.rejects(
    mappingApi.translateLegacyListIdToListId('987654321'),
    (error) => error.code === 404 && error.body.category === 'OBJECT_NOT_FOUND',
  );
});
