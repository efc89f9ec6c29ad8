// Numbers as people read them, in the browser: the rules of yiyang/core/numbers.py (compact 28.9万 /
// 289k where space is short, grouped 289,000 elsewhere, money 1,234.50), held to the same table of
// cases by core/tests/test_numbers.py. The language is the page's (<html lang>).
(function (root) {
  'use strict';
  const UNITS = {
    zh: [[1e8, 1e8, '亿', 2], [1e5, 1e4, '万', 1]],
    en: [[1e9, 1e9, 'B', 2], [1e6, 1e6, 'M', 2], [1e5, 1e3, 'k', 0]],
  };

  function language(explicit) {
    const lang = explicit || (root.document && root.document.documentElement.lang) || 'zh';
    return lang.startsWith('zh') ? 'zh' : 'en';
  }

  function number(value) {
    if (value === null || value === undefined || value === '' || typeof value === 'boolean') return null;
    const n = typeof value === 'number' ? value : Number(String(value).replace(/,/g, ''));
    return Number.isFinite(n) ? n : null;
  }

  // Round half up on the decimal digits (as Python's Decimal does), not on the binary float:
  // 28.95 → 29.0, 1.005 → 1.01. Returns [sign, integer digits, fraction digits].
  function round(n, decimals) {
    const sign = n < 0 ? '-' : '';
    // The shortest decimal that reads back as this float (28.95, not 28.949999…); tiny numbers
    // come as 1e-7 and are written out.
    const text = /e/.test(String(Math.abs(n))) ? Math.abs(n).toFixed(20) : String(Math.abs(n));
    let [whole, frac = ''] = text.split('.');
    frac = (frac + '0'.repeat(decimals + 1)).slice(0, decimals + 1);
    let digits = whole + frac.slice(0, decimals);
    if (frac[decimals] >= '5') {
      const up = (BigInt(digits) + 1n).toString();
      digits = up.padStart(digits.length, '0');
    }
    const cut = digits.length - decimals;
    return [sign, digits.slice(0, cut) || '0', digits.slice(cut)];
  }

  const group = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const isZero = (whole, frac) => /^0*$/.test(whole + frac);

  function grouped(value) {
    const n = number(value);
    if (n === null) return '';
    if (Number.isInteger(n)) return (n < 0 ? '-' : '') + group(String(Math.abs(n)));
    const [sign, whole, frac] = round(n, 20);
    return sign + group(whole) + '.' + frac.replace(/0+$/, '');
  }

  function money(value) {
    const n = number(value);
    if (n === null) return '';
    const [sign, whole, frac] = round(n, 2);
    return (isZero(whole, frac) ? '' : sign) + group(whole) + '.' + frac;
  }

  function compact(value, lang) {
    const n = number(value);
    if (n === null) return '';
    const [sign, wholeDigits] = round(n, 0);
    const size = Number(wholeDigits);
    const units = UNITS[language(lang)];
    for (let i = 0; i < units.length; i++) {
      let [threshold, divisor, unit, decimals] = units[i];
      if (size < threshold) continue;
      let [, whole, frac] = round(size / divisor, decimals);
      // 99,999,999 rounds to 10000.0万: that is 1亿, the next unit up.
      if (i > 0 && Number(whole + '.' + (frac || '0')) * divisor >= units[i - 1][0]) {
        [threshold, divisor, unit, decimals] = units[i - 1];
        [, whole, frac] = round(size / divisor, decimals);
      }
      frac = frac.replace(/0+$/, '');
      return (sign && size ? '-' : '') + whole + (frac ? '.' + frac : '') + unit;
    }
    return (sign && size ? '-' : '') + group(wholeDigits.replace(/^0+(?=\d)/, ''));
  }

  const api = {compact, grouped, money};
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  root.yiyangNumbers = api;
})(typeof window !== 'undefined' ? window : globalThis);
