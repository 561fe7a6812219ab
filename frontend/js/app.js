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
