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

// <button data-print>: the browser's print dialog (the print stylesheet shapes the page).
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-print]')) window.print();
});

// <button data-confirm="question">: asks before submitting its form (no inline JavaScript, per the CSP).
document.addEventListener('submit', (event) => {
  const button = event.submitter;
  const question = button?.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Live countdowns. Deadlines come from the server; the browser's clock may be wrong, so the time shown is
// the server's time when the page was made plus how long ago that was (re-anchored at every refresh).
let anchor = null;
const setAnchor = () => {
  const main = document.querySelector('[data-server-time]');
  anchor = main ? { server: Date.parse(main.dataset.serverTime), at: performance.now() } : null;
};
const serverNow = () => anchor.server + (performance.now() - anchor.at);
const format = (ms) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const tick = () => {
  if (!anchor) return;
  const overdue = document.querySelector('[data-overdue]')?.dataset.overdue ?? 'overdue';
  for (const el of document.querySelectorAll('[data-deadline]')) {
    const left = Date.parse(el.dataset.deadline) - serverNow();
    el.textContent = left > 0 ? format(left) : `0:00 · ${overdue}`;
    el.classList.toggle('overdue', left <= 0);
  }
  for (const bar of document.querySelectorAll('.stage-current progress[data-window-start], progress.axis[data-live=true]')) {
    const start = Date.parse(bar.dataset.windowStart);
    const end = Date.parse(bar.dataset.windowEnd);
    bar.value = Math.min(end - start, Math.max(0, serverNow() - start));
  }
};
// Stage boxes as wide as their windows, so the bar reads as one time axis (CSSOM: allowed by the CSP).
const proportion = () => {
  for (const stage of document.querySelectorAll('.stagebar [data-length]')) {
    stage.style.flexGrow = stage.dataset.length;
  }
};
setAnchor();
proportion();
tick();
setInterval(tick, 250);

// Live: the server says when the incident (or, on the dashboard, any incident) changed, on any replica;
// the page then fetches itself again and swaps it in place. Never while someone is typing, holds the
// mouse down or has text not yet sent: then as soon as that is over.
const live = document.querySelector('[data-events]');
if (live && window.EventSource) {
  let pending = false;
  let pointerDown = false;
  document.addEventListener('pointerdown', () => { pointerDown = true; });
  document.addEventListener('pointerup', () => setTimeout(() => { pointerDown = false; }, 300));
  const busy = () => pointerDown
      || document.activeElement?.closest('input, textarea, select')
      || [...document.querySelectorAll('#main input[type=text], #main textarea')].some((f) => f.value !== f.defaultValue);
  // one fetch at a time: changes that arrive meanwhile (a stream of probe results) make one more fetch after it
  let fetching = false;
  const refresh = () => {
    if (busy() || fetching) {
      pending = true;
      return;
    }
    pending = false;
    const focused = document.activeElement?.id;
    if (window.htmx) {
      fetching = true;
      window.htmx.ajax('GET', window.location.pathname, { target: '#main', select: '#main', swap: 'outerHTML' })
          .then(() => {
            setAnchor();
            proportion();
            tick();
            if (focused) document.getElementById(focused)?.focus();
          })
          .finally(() => {
            fetching = false;
            if (pending) refresh();
          });
    } else {
      window.location.reload();
    }
  };
  setInterval(() => { if (pending) refresh(); }, 500);
  const newest = () => Number(document.querySelector('[data-last-entry]')?.dataset.lastEntry ?? -1);
  let retry = 1000;
  let ended = false;
  const connect = () => {
    const source = new EventSource(live.dataset.events);
    // the stream may open after a change the page does not show yet: 'ready' carries the newest entry
    source.addEventListener('ready', (event) => {
      retry = 1000;
      if (newest() >= 0 && Number(event.lastEventId) > newest()) refresh();
    });
    source.addEventListener('changed', refresh);
    // access ended (signed out, disabled, token revoked): no reconnecting; the page, loaded again, says what now
    source.addEventListener('ended', () => {
      ended = true;
      source.close();
      if (!busy()) window.location.reload();
    });
    source.addEventListener('error', () => {
      if (ended) return;
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up (a proxy's 502 during a rollout, an ended session): keep trying, slower
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 30000);
      }
    });
  };
  connect();
}

// Keyboard shortcuts: a key named by data-shortcut clicks that element, data-shortcut-focus focuses it.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest('input, textarea, select')) return;
  const key = CSS.escape(event.key);
  const target = document.querySelector(`[data-shortcut="${key}"]`);
  if (target) {
    event.preventDefault();
    const form = target.closest('form');
    const field = form?.querySelector('input[required], textarea[required]');
    if (field && !field.value) field.focus(); else target.click();
    return;
  }
  const focus = document.querySelector(`[data-shortcut-focus="${key}"]`);
  if (focus) {
    event.preventDefault();
    focus.focus();
  }
});
