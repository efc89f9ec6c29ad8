// A full ID number or phone typed into a search box never travels in a URL (issue 18, item 1).
// Before a GET form or an htmx GET leaves the page, every search term (the parameters in PARAMS) that
// holds 11 or more digits is exchanged for an opaque token by a POST to the server, and the token is
// sent instead. The box still shows what the user typed. The server redirects any URL that still
// carries such a term (yiyang.core.search_tokens), so this script only spares that round trip.
(function () {
  'use strict';

  const PARAMS = ['q'];
  const RUN = /\d{11,}/;
  const SEPARATORS = /[\s\-－—()（）]/g;
  const url = document.body.dataset.searchTokenUrl;

  const identifying = (value) => Boolean(value) && !value.startsWith('~') &&
    RUN.test(value.normalize('NFKC').replace(SEPARATORS, ''));

  const csrf = () => {
    try {
      return JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRFToken'] || '';
    } catch (e) {
      return '';
    }
  };

  const fieldsOf = (form) => Array.from(form.elements).filter(
    (el) => PARAMS.includes(el.name) && typeof el.value === 'string' && identifying(el.value),
  );

  const token = async (value) => {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf() },
      body: JSON.stringify({ q: value.trim() }),
    });
    if (!response.ok) throw new Error('search token: ' + response.status);
    return (await response.json()).token;
  };

  // Swap the values for tokens, run send(), put the typed values back.
  const withTokens = async (fields, send) => {
    const typed = fields.map((el) => el.value);
    const tokens = await Promise.all(typed.map(token));
    fields.forEach((el, i) => { el.value = tokens[i]; });
    try {
      send();
    } finally {
      fields.forEach((el, i) => { el.value = typed[i]; });
    }
  };

  const isGet = (form) => (form.getAttribute('method') || 'get').toLowerCase() === 'get';

  // A plain GET form (htmx forms are handled below, on their request).
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (!url || !(form instanceof HTMLFormElement) || !isGet(form) || form.hasAttribute('hx-get')) return;
    const fields = fieldsOf(form);
    if (!fields.length) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    withTokens(fields, () => HTMLFormElement.prototype.submit.call(form)).catch(() => {
      window.alert(document.body.dataset.searchTokenError || 'Error');
    });
  }, true);

  // htmx asks "htmx:confirm" before it collects the values of any request: hold the request, swap
  // the values, then let it go.
  document.addEventListener('htmx:confirm', (ev) => {
    if (!url || (ev.detail.verb || '').toLowerCase() !== 'get') return;
    const elt = ev.detail.elt;
    const form = elt instanceof HTMLFormElement ? elt : (elt.closest && elt.closest('form'));
    if (!form) return;
    const fields = fieldsOf(form);
    if (!fields.length) return;
    ev.preventDefault();
    withTokens(fields, () => ev.detail.issueRequest(true)).catch(() => {
      window.alert(document.body.dataset.searchTokenError || 'Error');
    });
  });
}());
