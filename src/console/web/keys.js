import { h, clear } from './ui.js';
export async function renderKeyList(view) { clear(view, h('h1', { text: 'Keys' })); }
export async function renderKey(view, id) { clear(view, h('h1', { text: id })); }
export async function renderCreateKey(view) { clear(view, h('h1', { text: 'Create key' })); }
