// Progressive enhancement: the pages work without JavaScript; with it, the NHS design system's
// components start (menus, error summary focus), and parts marked data-live refresh themselves.
document.body.classList.add('js-enabled');
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported');

import('/assets/nhsuk/nhsuk-frontend.min.js').then(({ initAll }) => initAll());

// <div data-live="/app/..." data-live-every="5"> is replaced, every few seconds, by the HTML
// fragment its URL returns when its text has changed: attendance and quorum during a meeting.
for (const region of document.querySelectorAll('[data-live]')) {
  const every = Number(region.getAttribute('data-live-every') || 5) * 1000;
  const refresh = async () => {
    try {
      const res = await fetch(region.getAttribute('data-live'), { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      // Replace only what changed, so a screen reader (the region is aria-live) hears news, not a repeat.
      const next = document.createElement('template');
      next.innerHTML = await res.text();
      if (next.content.textContent.replace(/\s+/g, ' ').trim() !== region.textContent.replace(/\s+/g, ' ').trim()) region.replaceChildren(next.content);
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  };
  setInterval(refresh, every);
}
