// Progressive enhancement only: every page works as plain forms and links without this file.

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
  const page = document.querySelector('[data-server-time]');
  anchor = page ? { server: Date.parse(page.dataset.serverTime), at: performance.now() } : null;
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

// Live: when the incident (or, on the dashboard, any incident) changes, on any replica, the server sends the
// page what that change touched — the panels it shows differently and the new timeline entries, rendered for
// this reader — and the page swaps those panels in place. What someone is doing is never replaced: a field
// being typed in or holding text not yet sent moves into the new panel as it is (text, caret, undo history),
// an open <details> stays open, and the rest of the page (and its scroll position) is left alone.
const main = document.querySelector('[data-live]');
const holdsInput = (field) => field === document.activeElement
    || ((field.matches('textarea') || (field.matches('input') && !['hidden', 'submit', 'button', 'checkbox', 'radio'].includes(field.type)))
        && field.value !== field.defaultValue)
    || (field.matches('select') && [...field.options].some((o) => o.selected !== o.defaultSelected));
// Swaps each [current, next] pair of panels; a field with a draft, or focused, moves into the new panel.
const swap = (pairs) => {
  const focused = document.activeElement;
  let caret = null;
  try {
    caret = [focused.selectionStart, focused.selectionEnd, focused.selectionDirection];
  } catch { /* a field without a caret */ }
  const find = (selector) => pairs.map(([, next]) => next.querySelector(selector)).find((found) => found);
  const moved = [];
  for (const [current] of pairs) {
    for (const field of current.querySelectorAll('input[id], textarea[id], select[id]')) {
      const counterpart = holdsInput(field) && find(`#${CSS.escape(field.id)}`);
      if (counterpart) {
        counterpart.replaceWith(field);
        moved.push(field);
      }
    }
    for (const details of current.querySelectorAll('details[id]')) {
      const counterpart = find(`details#${CSS.escape(details.id)}`);
      if (counterpart) counterpart.open = details.open;
    }
  }
  for (const [current, next] of pairs) current.replaceWith(next);
  // a draft that moved into a folded box is not hidden there
  for (const field of moved) field.closest('details')?.setAttribute('open', '');
  if (moved.includes(focused) && document.activeElement !== focused) {
    focused.focus({ preventScroll: true });
    if (caret?.[0] != null) focused.setSelectionRange(...caret);
  }
};
// A stage change moves no step: each stage's box takes its state from the stage bar. The new current stage
// unfolds; the one that ended folds, unless someone is typing there.
const restage = () => {
  for (const bar of document.querySelectorAll('.stagebar [data-stage]')) {
    const box = document.getElementById(`stage-${bar.dataset.stage}`);
    if (!box || box.dataset.state === bar.dataset.state) continue;
    const details = box.querySelector('details');
    if (bar.dataset.state === 'current') details.open = true;
    else if (box.dataset.state === 'current' && ![...details.querySelectorAll('input, textarea')].some(holdsInput)) details.open = false;
    box.dataset.state = bar.dataset.state;
  }
};
// Checks that change by themselves as evidence comes are grouped out of the way (shown on request), so the
// notes people write stay in view.
const autoToggle = document.getElementById('timeline-show-auto');
const groupAutomatic = () => {
  const list = document.getElementById('timeline-list');
  if (!list || !autoToggle) return;
  const automatic = list.querySelectorAll(':scope > .kind-check-changed').length;
  autoToggle.closest('[data-auto-toggle]').hidden = automatic === 0;
  document.querySelector('[data-auto-count]').textContent = automatic;
  list.classList.toggle('hide-automatic', !autoToggle.checked);
};
autoToggle?.addEventListener('change', groupAutomatic);
groupAutomatic();
const notice = document.getElementById('live-notice');
let noticeTimer;
const say = (text) => {
  if (!notice) return;
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { notice.hidden = true; }, 8000);
};
const apply = (html) => {
  const update = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live-update]');
  if (!update) {
    // not an update (signed out meanwhile, say): the page, loaded again, says what now
    window.location.reload();
    return;
  }
  swap([...update.querySelectorAll('[data-panel]')]
      .filter((panel) => !panel.parentElement.closest('[data-panel]') && document.getElementById(panel.id))
      .map((panel) => [document.getElementById(panel.id), document.adoptNode(panel)]));
  for (const list of update.querySelectorAll('[data-prepend]')) {
    const target = document.getElementById(list.dataset.prepend);
    const fresh = [...list.children].filter((entry) => !entry.id || !document.getElementById(entry.id));
    target?.prepend(...fresh.map((entry) => document.adoptNode(entry)));
  }
  restage();
  groupAutomatic();
  // forms rendered for the stream carry no CSRF token: they take the page's
  const token = main.querySelector('input[name="_csrf"]');
  for (const form of main.querySelectorAll('form[method="post"]')) {
    if (token && !form.querySelector('input[name="_csrf"]')) form.prepend(token.cloneNode());
  }
  const said = update.querySelector('[data-notice]');
  if (said) say(said.textContent);
  main.dataset.lastEntry = Math.max(Number(main.dataset.lastEntry ?? 0), Number(update.dataset.lastEntry));
  main.dataset.serverTime = update.dataset.serverTime;
  setAnchor();
  proportion();
  tick();
};
if (main && window.EventSource) {
  const newest = () => Number(main.dataset.lastEntry ?? -1);
  // a deadline shown on the page has passed: ask for the stage change, in case its update is slow to come
  // (one request at a time; the stream's updates go on meanwhile)
  let fetching = false;
  const update = () => {
    if (fetching) return;
    fetching = true;
    const url = new URL(main.dataset.live, window.location.href);
    url.searchParams.set('after', Math.max(0, newest()));
    fetch(url, { headers: { Accept: 'text/html' } })
        .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
        .then((html) => apply(html))
        // a failed update is not fatal: the stream's next update brings it
        .catch(() => {})
        .finally(() => { fetching = false; });
  };
  let asked = null;
  setInterval(() => {
    const deadline = document.querySelector('.countdown.big[data-deadline]')?.dataset.deadline;
    if (anchor && deadline && deadline !== asked && Date.parse(deadline) + 300 <= serverNow()) {
      asked = deadline;
      update();
    }
  }, 250);
  let retry = 1000;
  let ended = false;
  const connect = () => {
    // the stream starts after the newest entry the page shows, and sends at once what the page lacks
    const url = new URL(main.dataset.events, window.location.href);
    url.searchParams.set('after', Math.max(0, newest()));
    const source = new EventSource(url);
    source.addEventListener('ready', () => { retry = 1000; });
    source.addEventListener('update', (event) => apply(JSON.parse(event.data).html));
    // access ended (signed out, disabled, token revoked): no reconnecting; the page, loaded again, says what now
    source.addEventListener('ended', () => {
      ended = true;
      source.close();
      window.location.reload();
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

// Ctrl+Enter (⌘+Enter) in a text area sends its form, as chat tools do.
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && event.target.matches('textarea') && event.target.form) {
    event.preventDefault();
    event.target.form.requestSubmit();
  }
});

// '?' lists the keys of this page: every element with data-shortcut or data-shortcut-focus, with its label.
const shortcutList = () => {
  let dialog = document.getElementById('shortcut-list');
  if (!dialog) {
    dialog = document.createElement('dialog');
    dialog.id = 'shortcut-list';
    dialog.className = 'shortcut-list';
    dialog.addEventListener('click', (event) => { if (event.target === dialog) dialog.close(); });
    document.body.append(dialog);
  }
  const list = document.createElement('dl');
  for (const el of document.querySelectorAll('[data-shortcut], [data-shortcut-focus]')) {
    const key = el.dataset.shortcut ?? el.dataset.shortcutFocus;
    const label = el.labels?.[0]?.textContent ?? el.textContent;
    const term = document.createElement('dt');
    term.append(Object.assign(document.createElement('kbd'), { textContent: key }));
    list.append(term, Object.assign(document.createElement('dd'), { textContent: label.trim() }));
  }
  const close = Object.assign(document.createElement('button'), { type: 'button', className: 'button',
    textContent: document.body.dataset.closeLabel ?? 'Close' });
  close.addEventListener('click', () => dialog.close());
  dialog.replaceChildren(list, close);
  dialog.showModal();
};

// On a phone, long panels (logs, the whole timeline) start folded; the summary unfolds them.
if (window.matchMedia('(max-width: 40rem)').matches) {
  for (const details of document.querySelectorAll('details.fold-narrow')) details.open = false;
}

// The phone's action bar goes to a form: its field is then ready to type in.
document.addEventListener('click', (event) => {
  const link = event.target.closest('.action-bar a[href^="#"]');
  const field = link && document.getElementById(link.getAttribute('href').slice(1));
  if (field) {
    event.preventDefault();
    field.closest('details')?.setAttribute('open', '');
    field.scrollIntoView({ block: 'center' });
    field.focus({ preventScroll: true });
  }
});

// Keyboard shortcuts: a key named by data-shortcut clicks that element, data-shortcut-focus focuses it.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest('input, textarea, select')) return;
  if (event.key === '?') {
    event.preventDefault();
    shortcutList();
    return;
  }
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

// Pages to the signed-in person, on whichever of their goldenfive pages asks first: a browser notification where
// they allowed it (asked once, on their click, as browsers require), and a note on the page itself either way.
const pagesUrl = document.body.dataset.pages;
if (pagesUrl) {
  const ask = document.querySelector('[data-ask-notifications]');
  if (ask && 'Notification' in window && Notification.permission === 'default') {
    ask.hidden = false;
    ask.addEventListener('click', () => Notification.requestPermission().finally(() => { ask.hidden = true; }));
  }
  const toasts = document.getElementById('page-toasts');
  const show = (paged) => {
    const link = pagesUrl.replace(/me\/pages$/, `incidents/${paged.incident}`);
    if ('Notification' in window && Notification.permission === 'granted') {
      const shown = new Notification(paged.title, { body: paged.body, tag: `goldenfive-page-${paged.id}`, requireInteraction: true });
      shown.onclick = () => { window.focus(); window.location.href = link; };
    }
    const note = document.createElement('p');
    note.className = 'page-toast';
    const anchor = document.createElement('a');
    anchor.href = link;
    anchor.textContent = `${paged.title}: ${paged.body}`;
    note.append(anchor);
    toasts?.append(note);
  };
  const askForPages = async () => {
    try {
      const response = await fetch(pagesUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.ok && (response.headers.get('Content-Type') || '').includes('json')) {
        (await response.json()).forEach(show);
      }
    } catch {
      // the next round asks again
    }
  };
  askForPages();
  setInterval(askForPages, 3000);
}
