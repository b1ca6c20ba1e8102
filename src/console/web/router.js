// Hash routes (#/secrets, #/secret/NAME, ...): the route names what is shown,
// never a value. Each navigation renders into a fresh container and drops
// the old one, so whatever a page revealed is gone from the DOM; pages can
// register more clean-up with onLeave().
const routes = [];
let leaving = [];
let view = null;

// route(/^#\/secret\/(.+)$/, (container, ...groups) => ...)
export function route(pattern, render) { routes.push({ pattern, render }); }

export function onLeave(fn) { leaving.push(fn); }

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

// True while `container` is still the page on screen (a page can stop
// filling in after its awaits when the user has moved on).
export function isCurrent(container) { return container === view; }

export async function render() {
  for (const fn of leaving) { try { fn(); } catch (e) { /* keep leaving */ } }
  leaving = [];
  const main = document.getElementById('app');
  view = document.createElement('div');
  view.className = 'view';
  main.replaceChildren(view);
  const hash = location.hash || '#/secrets';
  for (const { pattern, render: page } of routes) {
    const m = hash.match(pattern);
    if (m) {
      const groups = m.slice(1).map((g) => (g === undefined ? g : decodeURIComponent(g)));
      await page(view, ...groups);
      return;
    }
  }
  view.textContent = 'Page not found.';
}
