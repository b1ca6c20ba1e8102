import { h, clear } from './ui.js';
export async function renderWizard(view) { clear(view, h('h1', { text: 'Store a new secret' })); }
