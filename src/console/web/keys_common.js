// Pieces shared by the KMS key pages (keys_list.js, keys_create.js,
// keys_page.js) and the wizard's encryption step: KMS listings read to the
// end (Marker / Truncated), the key state badge, alias names as the AWS
// console shows them, and key links.
import { call } from './api.js';
import { h } from './ui.js';

// Every item of a paged KMS list operation (ListKeys, ListAliases,
// ListResourceTags): follows NextMarker while Truncated.
export async function listAll(operation, input, member) {
  const items = [];
  let marker = null;
  for (let page = 0; page < 1000; page += 1) {
    const out = await call('kms', operation, marker ? { ...input, Marker: marker } : input);
    items.push(...(out[member] || []));
    if (!out.Truncated || !out.NextMarker || out.NextMarker === marker) break;
    marker = out.NextMarker;
  }
  return items;
}

// fn(item) for each item, at most `limit` at a time; results in item order.
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next;
      next += 1;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const STATE_CLASS = { Enabled: 'ok', Disabled: 'bad', PendingDeletion: 'warn', PendingImport: 'warn',
  Unavailable: 'bad', Creating: 'warn', Updating: 'warn' };

// The KeyState as KMS names it, in a coloured badge.
export function stateBadge(state) {
  return h('span', { class: `badge key-state ${STATE_CLASS[state] || ''}`, dataset: { state: state || '' },
    text: state || '—' });
}

// "alias/console-test" → "console-test" (the AWS console lists aliases so).
export function shortAlias(name) {
  return String(name || '').replace(/^alias\//, '');
}

// {KeyId: ["alias/a", ...]} from ListAliases (aliases without a target,
// such as aws/secretsmanager before its key exists, are left out).
export function aliasesByKey(aliases) {
  const map = new Map();
  for (const a of aliases) {
    if (!a.TargetKeyId) continue;
    if (!map.has(a.TargetKeyId)) map.set(a.TargetKeyId, []);
    map.get(a.TargetKeyId).push(a.AliasName);
  }
  for (const names of map.values()) names.sort();
  return map;
}

export function keyHash(keyId) {
  return `#/key/${encodeURIComponent(keyId)}`;
}

export function keyLink(keyId) {
  return h('a', { href: keyHash(keyId), class: 'mono', text: keyId });
}
