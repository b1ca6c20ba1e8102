// The secret page's small edits: the description (UpdateSecret Description)
// and the tags card (TagResource / UntagResource from the shared editor of
// rows, kv_rows.js).
import { call } from './api.js';
import { actionButton, clear, errorBox, field, h, table } from './ui.js';
import { isCurrent } from './router.js';
import { TAG_ROWS, keyValueRows, rowsToTags } from './kv_rows.js';

// The description with an "Edit description" button that turns it into a
// textarea (the details row of the overview).
export function descriptionEditor(ctx) {
  const box = h('div', { class: 'secret-description', 'data-testid': 'secret-description' });
  function view() {
    clear(box,
      h('span', { class: ctx.secret.Description ? '' : 'muted', text: ctx.secret.Description || '—' }), ' ',
      h('button', { type: 'button', class: 'small', text: 'Edit description', onclick: edit }));
  }
  function edit() {
    const input = h('textarea', { id: 'secret-description-input', rows: 2, maxlength: '2048',
      value: ctx.secret.Description || '' });
    const status = h('div');
    clear(box, field('Description', input), status,
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: 'Cancel', onclick: view }),
        actionButton('Save description', async () => {
          clear(status);
          try {
            await call('secretsmanager', 'UpdateSecret',
              { SecretId: ctx.id, Description: input.value, ClientRequestToken: crypto.randomUUID() });
          } catch (e) {
            if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The description could not be saved'));
            return;
          }
          ctx.done(`The description of ${ctx.secret.Name} was updated.`);
        }, { class: 'primary' })));
    input.focus();
  }
  view();
  return box;
}

// The tags as a table, and an editor: rows of key and value, added and
// removed; Save untags the keys that went and tags the new or changed ones.
export function tagsCard(ctx) {
  const original = ctx.secret.Tags || [];
  const body = h('div');
  const status = h('div');

  function view() {
    clear(status);
    clear(body,
      original.length === 0 ? h('p', { class: 'muted', text: 'No tags.' }) :
        table(['Key', 'Value'], original.map((t) => [t.Key, t.Value]), { 'data-testid': 'secret-tags' }),
      h('div', { class: 'actions' }, h('button', { type: 'button', text: 'Edit tags', onclick: edit })));
  }

  function edit() {
    const rows = original.map((t) => ({ key: t.Key, value: t.Value || '' }));
    clear(body, keyValueRows(rows, TAG_ROWS),
      h('div', { class: 'actions' },
        h('button', { type: 'button', text: 'Cancel', onclick: view }),
        actionButton('Save tags', save, { class: 'primary' })));

    async function save() {
      clear(status);
      const wanted = rowsToTags(rows);
      const keys = new Set(wanted.map((t) => t.Key));
      const removed = original.filter((t) => !keys.has(t.Key)).map((t) => t.Key);
      const before = new Map(original.map((t) => [t.Key, t.Value]));
      const changed = wanted.filter((t) => before.get(t.Key) !== t.Value);
      try {
        if (removed.length) await call('secretsmanager', 'UntagResource', { SecretId: ctx.id, TagKeys: removed });
        if (changed.length) await call('secretsmanager', 'TagResource', { SecretId: ctx.id, Tags: changed });
      } catch (e) {
        if (isCurrent(ctx.view)) clear(status, errorBox(e, 'The tags could not be saved'));
        return;
      }
      ctx.done(removed.length || changed.length ? `The tags of ${ctx.secret.Name} were updated.`
        : `The tags of ${ctx.secret.Name} are unchanged.`);
    }
  }

  view();
  return h('section', { class: 'card secret-card', 'aria-labelledby': 'secret-tags-h' },
    h('h2', { id: 'secret-tags-h', text: 'Tags' }), status, body);
}
