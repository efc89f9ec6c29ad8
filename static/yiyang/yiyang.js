// Behaviour every page shares, declared in the markup with data attributes: the Content-Security-Policy
// allows no inline script and no on…= handler, so pages say what they want and this file does it.
(function () {
  'use strict';

  // Bootstrap classes for forms Django renders bare. <span hidden data-form-style="edit|list|compact|small"
  // data-form-scope="CSS selector of the forms (default: every form)"> on the page chooses the look.
  const styles = {
    edit: (root) => {
      root.querySelectorAll('select').forEach((el) => el.classList.add('form-select'));
      root.querySelectorAll('input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea')
        .forEach((el) => el.classList.add('form-control'));
      root.querySelectorAll('input[type=checkbox], input[type=radio]').forEach((el) => el.classList.add('form-check-input'));
    },
    list: (root, marker) => {
      root.querySelectorAll('select').forEach((el) => el.classList.add('form-select', 'form-select-sm'));
      root.querySelectorAll('input:not([type=checkbox]):not([type=hidden])').forEach((el) => el.classList.add('form-control', 'form-control-sm'));
      // A filter's empty choice reads "all", not "---------" or "unknown".
      root.querySelectorAll('select option').forEach((o) => {
        if (o.textContent === '---------' || o.textContent === marker.dataset.unknownLabel) o.textContent = marker.dataset.allLabel;
      });
    },
    compact: (root) => {
      root.querySelectorAll('select').forEach((el) => el.classList.add('form-select', 'form-select-sm'));
    },
    small: (root) => {
      root.querySelectorAll('select').forEach((el) => el.classList.add('form-select', 'form-select-sm'));
      root.querySelectorAll('input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea')
        .forEach((el) => el.classList.add('form-control', 'form-control-sm'));
      root.querySelectorAll('input[type=checkbox], input[type=radio]').forEach((el) => el.classList.add('form-check-input', 'me-1'));
    },
  };
  const styleForms = () => document.querySelectorAll('[data-form-style]').forEach((marker) => {
    const style = styles[marker.dataset.formStyle];
    if (!style) return;
    document.querySelectorAll(marker.dataset.formScope || 'form').forEach((root) => style(root, marker));
  });
  // This file loads before the page's own block of scripts, where the marker usually is.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', styleForms);
  else styleForms();

  // <form data-confirm="…">: ask before submitting.
  document.addEventListener('submit', (ev) => {
    const form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
    }
  });

  document.addEventListener('click', (ev) => {
    const target = ev.target instanceof Element ? ev.target.closest('[data-print], [data-back]') : null;
    if (!target) return;
    ev.preventDefault();
    if (target.hasAttribute('data-print')) window.print();
    else window.history.back();
  });

  // <select data-autosubmit>: choosing submits its form.
  document.addEventListener('change', (ev) => {
    const el = ev.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) el.form.submit();
  });

  // <form hx-post=… data-reset-field="id">: after each answer, empty that field and put the cursor back.
  document.addEventListener('htmx:afterRequest', (ev) => {
    const id = ev.target instanceof Element ? ev.target.getAttribute('data-reset-field') : null;
    const field = id ? document.getElementById(id) : null;
    if (field) { field.value = ''; field.focus(); }
  });
})();
