// The console's entry: the sign-in page, the header (who is signed in, sign
// out), session expiry, and the route table of the pages.
import { currentSession, onSessionChange, parseCredentials, restoreSession, serverRegion, signIn, signOut } from './api.js';
import { clear, clearFlash, errorBox, field, flash, h } from './ui.js';
import { go, render, route } from './router.js';
import { renderSecretList } from './secrets.js';
import { renderSecret } from './secret.js';
import { renderWizard } from './wizard.js';
import { renderCreateKey, renderKey, renderKeyList } from './keys.js';

let expiryTimer = null;

function signedIn(page) {
  return async (view, ...args) => {
    if (!currentSession()) {
      renderSignIn(view);
      return;
    }
    await page(view, ...args);
  };
}

route(/^#\/signin$/, (view) => renderSignIn(view));
route(/^#\/secrets\/new$/, signedIn(renderWizard));
route(/^#\/secrets$/, signedIn(renderSecretList));
route(/^#\/secret\/([^/]+)$/, signedIn(renderSecret));
route(/^#\/keys\/new$/, signedIn(renderCreateKey));
route(/^#\/keys$/, signedIn(renderKeyList));
route(/^#\/key\/([^/]+)$/, signedIn(renderKey));
route(/^#?\/?$/, signedIn(renderSecretList));

async function renderSignIn(view) {
  const region = h('input', { name: 'region', id: 'signin-region', autocomplete: 'off', value: 'us-east-1' });
  const akid = h('input', { name: 'accessKeyId', id: 'signin-akid', autocomplete: 'off', spellcheck: 'false' });
  const secret = h('input', { name: 'secretAccessKey', id: 'signin-secret', type: 'password', autocomplete: 'off' });
  const pasted = h('textarea', { name: 'credentials', id: 'signin-file', rows: 5, spellcheck: 'false',
    class: 'mono', placeholder: '[default]\naws_access_key_id = AKIA…\naws_secret_access_key = …' });
  const profile = h('input', { name: 'profile', id: 'signin-profile', value: 'default', autocomplete: 'off' });
  const remember = h('input', { type: 'checkbox', id: 'signin-remember', name: 'remember' });
  const status = h('div');
  const button = h('button', { type: 'submit', class: 'primary', text: 'Sign in' });
  const byKey = h('fieldset', {}, h('legend', { text: 'Access key' }),
    field('Access key ID', akid), field('Secret access key', secret));
  const byFile = h('fieldset', {}, h('legend', { text: 'Or paste a profile from a credentials file' }),
    field('Credentials file', pasted), field('Profile', profile));
  const form = h('form', { class: 'card signin', novalidate: true },
    h('h1', { text: 'Sign in to Coffer' }),
    h('p', { class: 'muted', text: 'Your key is exchanged at once for temporary credentials (STS GetSessionToken) ' +
      'and is not kept. Every call the console makes is signed and checked like any other client\'s.' }),
    byKey, byFile, field('Region', region),
    h('label', { class: 'check' }, remember, ' Stay signed in when this tab reloads'),
    status, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(status);
    let keys = null;
    if (pasted.value.trim()) {
      keys = parseCredentials(pasted.value, profile.value.trim() || 'default');
      if (!keys) {
        clear(status, errorBox({ type: 'InvalidCredentialsFile',
          message: 'No aws_access_key_id and aws_secret_access_key were found in the pasted text.' }));
        return;
      }
    } else {
      if (!akid.value.trim() || !secret.value) {
        clear(status, errorBox({ type: 'MissingKey', message: 'Enter an access key ID and its secret access key.' }));
        return;
      }
      keys = { accessKeyId: akid.value.trim(), secretAccessKey: secret.value };
    }
    button.disabled = true;
    try {
      await signIn(keys, region.value.trim() || 'us-east-1', remember.checked);
      secret.value = ''; pasted.value = '';
      if (!location.hash || location.hash === '#/signin') go('#/secrets');
      else render();
    } catch (e) {
      clear(status, errorBox(e, 'Sign-in failed'));
    } finally {
      keys = null;
      button.disabled = false;
    }
  });
  clear(view, form);
  region.value = await serverRegion();
}

function showSession(session, reason) {
  const who = document.getElementById('who');
  const nav = document.getElementById('nav');
  const out = document.getElementById('signout');
  clearTimeout(expiryTimer);
  if (session) {
    who.textContent = session.arn || session.accessKeyId;
    who.title = session.expiration ? `Session expires ${new Date(session.expiration).toLocaleString()}` : '';
    nav.hidden = false; out.hidden = false;
    if (session.expiration) {
      const ms = Math.max(0, session.expiration - Date.now());
      // setTimeout holds at most ~24.8 days; sessions are far shorter.
      expiryTimer = setTimeout(() => signOut('Your session has expired. Sign in again.'), Math.min(ms, 2 ** 31 - 1));
    }
  } else {
    who.textContent = ''; who.title = '';
    nav.hidden = true; out.hidden = true;
    if (reason) flash(reason, 'info');
    render();
  }
}

function markNav() {
  const section = (location.hash.match(/^#\/(\w+)/) || [])[1] || 'secrets';
  for (const a of document.querySelectorAll('#nav a')) {
    const on = section.startsWith(a.dataset.nav.replace(/s$/, ''));
    if (on) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

onSessionChange(showSession);
window.addEventListener('hashchange', () => { clearFlash(); markNav(); render(); });
document.getElementById('signout').addEventListener('click', () => {
  signOut('You are signed out.');
  go('#/signin');
});
restoreSession();
markNav();
render();
