import { h, clear } from './ui.js';
export async function renderSecret(view, id) { clear(view, h('h1', { text: id })); }
