// Progressive enhancement: the pages work without JavaScript; with it, the NHS design system's
// components start (menus, error summary focus), and parts marked data-live refresh themselves.
document.body.classList.add('js-enabled');
if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('nhsuk-frontend-supported');

import('/assets/nhsuk/nhsuk-frontend.min.js').then(({ initAll }) => initAll());

// <div data-live="/app/..." data-live-every="5"> is replaced, every few seconds, by the HTML
// fragment its URL returns when its text has changed: attendance and quorum during a meeting;
// with data-live-reload the page loads again instead (a bid's page once intake has finished).
for (const region of document.querySelectorAll('[data-live]')) {
  const every = Number(region.getAttribute('data-live-every') || 5) * 1000;
  const refresh = async () => {
    try {
      const res = await fetch(region.getAttribute('data-live'), { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      // Replace only what changed, so a screen reader (the region is aria-live) hears news, not a repeat.
      const next = document.createElement('template');
      next.innerHTML = await res.text();
      if (next.content.textContent.replace(/\s+/g, ' ').trim() === region.textContent.replace(/\s+/g, ' ').trim()) return;
      region.replaceChildren(next.content);
      // data-live-reload: the change means the whole page has news (intake finished), so it loads again.
      if (region.hasAttribute('data-live-reload')) window.location.reload();
    } catch {
      // Offline for a moment: the next tick tries again.
    }
  };
  setInterval(refresh, every);
}

// <form data-autosave>: the form posts itself as a draft a moment after the person stops typing,
// and when they leave the page, so what they typed is kept on the server even if they never press
// "Save draft". The status line (aria-live) says when it was last saved, or that it was not.
for (const form of document.querySelectorAll('form[data-autosave]')) {
  const status = form.querySelector('[data-autosave-status]');
  let timer;
  let dirty = false;
  const save = async (leaving = false) => {
    if (!dirty) return;
    dirty = false;
    const body = new URLSearchParams(new FormData(form));
    body.set('intent', 'draft');
    try {
      const res = await fetch(form.action, { method: 'POST', body, headers: { 'x-autosave': '1', accept: 'application/json' }, credentials: 'same-origin', keepalive: leaving });
      if (!res.ok) throw new Error(String(res.status));
      const { savedAt } = await res.json();
      if (status) status.textContent = `Draft saved at ${new Date(savedAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })}`;
    } catch {
      dirty = true;
      if (status && !leaving) status.textContent = 'Your draft could not be saved just now: it will be tried again, or press Save draft';
    }
  };
  const later = () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, 1500);
  };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
  form.addEventListener('submit', () => clearTimeout(timer));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && save(true));
}
