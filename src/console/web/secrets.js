import { h, clear } from './ui.js';
export async function renderSecretList(view) { clear(view, h('h1', { text: 'Secrets' })); }
