// Progressive enhancement only: every page works as plain forms and links without this file.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;
const csrfHeader = document.querySelector('meta[name="csrf-header"]')?.content;

// htmx requests carry the CSRF token like the forms do.
document.addEventListener('htmx:configRequest', (event) => {
  if (csrfToken && csrfHeader) {
    event.detail.headers[csrfHeader] = csrfToken;
  }
});

// <button data-copy="#selector" data-copied="Copied">: copies the element's text and says so.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    const label = button.textContent;
    button.textContent = button.dataset.copied ?? '✓';
    button.setAttribute('aria-live', 'polite');
    setTimeout(() => { button.textContent = label; }, 1500);
  } catch {
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
});

// <button data-confirm="question">: asks before submitting its form (no inline JavaScript, per the CSP).
document.addEventListener('submit', (event) => {
  const button = event.submitter;
  const question = button?.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Live countdowns. Deadlines come from the server; the browser's clock may be wrong, so time is the
// server's time at render plus how long the page has been open.
const page = document.querySelector('[data-server-time]');
if (page) {
  const offset = Date.parse(page.dataset.serverTime) - Date.now();
  const now = () => Date.now() + offset;
  const format = (ms) => {
    const s = Math.max(0, Math.ceil(ms / 1000));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };
  const tick = () => {
    for (const el of document.querySelectorAll('[data-deadline]')) {
      const left = Date.parse(el.dataset.deadline) - now();
      el.textContent = format(left);
      el.classList.toggle('overdue', left <= 0);
    }
    for (const bar of document.querySelectorAll('progress[data-window-start]')) {
      const start = Date.parse(bar.dataset.windowStart);
      const end = Date.parse(bar.dataset.windowEnd);
      if (bar.closest('.stage-current')) {
        bar.value = Math.min(end - start, Math.max(0, now() - start));
      }
    }
  };
  tick();
  setInterval(tick, 250);
}

// Live: the server says when the incident (or, on the dashboard, any incident) changed, on any replica;
// the page then fetches itself again and swaps it in place. Not while someone types: then right after.
const live = document.querySelector('[data-events]');
if (live && window.EventSource) {
  let pending = false;
  const refresh = () => {
    if (document.activeElement?.closest('input, textarea, select')) {
      pending = true;
      return;
    }
    pending = false;
    if (window.htmx) {
      window.htmx.ajax('GET', window.location.pathname, { target: '#main', select: '#main', swap: 'outerHTML' });
    } else {
      window.location.reload();
    }
  };
  document.addEventListener('focusout', () => setTimeout(() => { if (pending) refresh(); }, 0));
  // EventSource reconnects by itself and sends Last-Event-ID, so a change missed meanwhile arrives then
  new EventSource(live.dataset.events).addEventListener('changed', refresh);
}

// Keyboard shortcuts: a key named by data-shortcut clicks that element, data-shortcut-focus focuses it.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest('input, textarea, select')) return;
  const target = document.querySelector(`[data-shortcut="${event.key}"]`);
  if (target) {
    event.preventDefault();
    const form = target.closest('form');
    const field = form?.querySelector('input[required], textarea[required]');
    if (field && !field.value) field.focus(); else target.click();
    return;
  }
  const focus = document.querySelector(`[data-shortcut-focus="${event.key}"]`);
  if (focus) {
    event.preventDefault();
    focus.focus();
  }
});
