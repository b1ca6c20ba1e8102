// The secrets list (#/secrets): ListSecrets with a filter and search text,
// sorting by clicking column headers, paging with NextToken (a stack of the
// tokens seen, for Previous), and "Show secrets scheduled for deletion"
// (IncludePlannedDeletion). The list shows metadata only, never a value.
// The choices are kept in this module while the tab lives (not in the URL or
// storage), so coming back from a secret shows the same view.
import { call } from './api.js';
import { clear, day, errorBox, field, h, info, when } from './ui.js';
import { go, isCurrent } from './router.js';

const FILTERS = [
  ['all', 'All fields'],
  ['name', 'Name'],
  ['description', 'Description'],
  ['tag-key', 'Tag key'],
  ['tag-value', 'Tag value'],
  ['primary-region', 'Primary region'],
];

// The view's state: filter, sort, page size, deleted toggle and the tokens
// of the pages before this one (tokens[i] fetches page i; tokens[0] is none).
const state = {
  filterKey: 'all', search: '', sortBy: 'created-date', sortOrder: 'asc',
  maxResults: 25, includeDeleted: false, tokens: [undefined],
};

function firstPage() { state.tokens = [undefined]; }

function request() {
  const input = {
    MaxResults: state.maxResults, SortBy: state.sortBy, SortOrder: state.sortOrder,
    IncludePlannedDeletion: state.includeDeleted,
  };
  const text = state.search.trim();
  if (text) input.Filters = [{ Key: state.filterKey, Values: [text] }];
  const token = state.tokens[state.tokens.length - 1];
  if (token) input.NextToken = token;
  return input;
}

export async function renderSecretList(view) {
  firstPage();
  const filterKey = h('select', { id: 'secrets-filter-key', name: 'filterKey' },
    FILTERS.map(([value, label]) => h('option', { value, selected: value === state.filterKey, text: label })));
  const search = h('input', { type: 'search', id: 'secrets-search', name: 'search', value: state.search,
    placeholder: 'Filter secrets', autocomplete: 'off', spellcheck: 'false' });
  const deleted = h('input', { type: 'checkbox', id: 'secrets-deleted', checked: state.includeDeleted });
  const pageSize = h('input', { type: 'number', id: 'secrets-page-size', name: 'maxResults', min: '1', max: '100',
    step: '1', value: String(state.maxResults), class: 'page-size' });
  const results = h('div', { class: 'secrets-results', 'data-testid': 'secrets-results' });

  const form = h('form', { class: 'toolbar secrets-filter', role: 'search' },
    field('Filter by', filterKey), field('Search secrets', search),
    h('button', { type: 'submit', text: 'Search' }),
    h('button', { type: 'button', text: 'Clear filter', onclick: () => {
      search.value = ''; state.search = ''; firstPage(); load();
    } }),
    h('label', { class: 'check' }, deleted, ' Show secrets scheduled for deletion'),
    field('Secrets per page', pageSize));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filterKey = filterKey.value; state.search = search.value; firstPage(); load();
  });
  filterKey.addEventListener('change', () => {
    state.filterKey = filterKey.value;
    if (state.search.trim()) { firstPage(); load(); }
  });
  deleted.addEventListener('change', () => { state.includeDeleted = deleted.checked; firstPage(); load(); });
  pageSize.addEventListener('change', () => {
    const n = Math.trunc(Number(pageSize.value));
    if (!(n >= 1 && n <= 100)) { pageSize.value = String(state.maxResults); return; }
    if (n === state.maxResults) return;
    state.maxResults = n; firstPage(); load();
  });

  clear(view,
    h('div', { class: 'secrets-head' },
      h('h1', { text: 'Secrets' }),
      h('button', { type: 'button', class: 'primary', text: 'Store a new secret', onclick: () => go('#/secrets/new') })),
    h('div', { class: 'card' }, form, results));

  let loads = 0;  // only the latest request's answer is shown
  async function load() {
    const mine = ++loads;
    results.dataset.state = 'loading';
    clear(results, h('p', { class: 'muted', text: 'Loading…' }));
    let out;
    try {
      out = await call('secretsmanager', 'ListSecrets', request());
    } catch (e) {
      if (isCurrent(view) && mine === loads) {
        results.dataset.state = 'error';
        clear(results, errorBox(e, 'The secrets could not be listed'));
      }
      return;
    }
    if (!isCurrent(view) || mine !== loads) return;
    results.dataset.state = 'ready';
    clear(results, table(out.SecretList || []), pager(out.NextToken));
  }

  function sortHeader(label, key) {
    const on = state.sortBy === key;
    const order = on ? (state.sortOrder === 'asc' ? 'ascending' : 'descending') : 'none';
    const arrow = on ? (state.sortOrder === 'asc' ? ' ▲' : ' ▼') : '';
    return h('th', { scope: 'col', 'aria-sort': order },
      h('button', { type: 'button', class: 'sort', dataset: { sort: key },
        'aria-label': `Sort by ${label}`, onclick: () => {
          if (state.sortBy === key) state.sortOrder = state.sortOrder === 'asc' ? 'desc' : 'asc';
          else { state.sortBy = key; state.sortOrder = 'asc'; }
          firstPage(); load();
        } }, label, arrow));
  }

  function table(list) {
    if (!list.length) {
      return info(state.search.trim() ? 'No secrets match the filter.' : 'There are no secrets to show.');
    }
    const showDeleted = state.includeDeleted;
    return h('table', { class: 'secrets', 'data-testid': 'secrets-table' },
      h('thead', {}, h('tr', {},
        sortHeader('Secret name', 'name'),
        h('th', { scope: 'col', text: 'Description' }),
        sortHeader('Last retrieved', 'last-accessed-date'),
        sortHeader('Last changed', 'last-changed-date'),
        sortHeader('Created', 'created-date'),
        showDeleted ? h('th', { scope: 'col', text: 'Deleted on' }) : null)),
      h('tbody', {}, list.map((s) => h('tr', { dataset: { name: s.Name } },
        h('td', {}, h('a', { href: `#/secret/${encodeURIComponent(s.ARN)}`, text: s.Name }),
          s.DeletedDate ? [' ', h('span', { class: 'badge bad', text: 'Scheduled for deletion' })] : null),
        h('td', { text: s.Description || '' }),
        h('td', { text: day(s.LastAccessedDate) }),
        h('td', { text: when(s.LastChangedDate) }),
        h('td', { text: when(s.CreatedDate) }),
        showDeleted ? h('td', { text: s.DeletedDate ? when(s.DeletedDate) : '' }) : null))));
  }

  function pager(nextToken) {
    const page = state.tokens.length;
    return h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('button', { type: 'button', text: 'Previous', disabled: page <= 1, onclick: () => {
        state.tokens.pop(); load();
      } }),
      h('span', { class: 'muted', text: `Page ${page}` }),
      h('button', { type: 'button', text: 'Next', disabled: !nextToken, onclick: () => {
        state.tokens.push(nextToken); load();
      } }));
  }

  await load();
}
