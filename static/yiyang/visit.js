// The field worker's visit page: the position at check-in and check-out, and the elder's signature.
// Messages come from the page (data-* on #geo-msg), in the worker's language.
(function () {
  'use strict';
  const msg = document.getElementById('geo-msg');
  if (!msg) return;
  const say = (key) => { msg.textContent = msg.dataset[key] || ''; };
  document.querySelectorAll('form.geo-form').forEach((form) => {
    form.addEventListener('submit', (ev) => {
      if (form.dataset.located) return;
      ev.preventDefault();
      const go = () => { form.dataset.located = '1'; form.submit(); };
      if (!navigator.geolocation) { say('noGeo'); go(); return; }
      say('locating');
      navigator.geolocation.getCurrentPosition((pos) => {
        form.latitude.value = pos.coords.latitude; form.longitude.value = pos.coords.longitude;
        if (form.accuracy) form.accuracy.value = pos.coords.accuracy;
        go();
      }, () => { say('geoFailed'); go(); }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 0});
    });
  });
  const pad = document.getElementById('pad');
  if (pad) {
    const ctx = pad.getContext('2d');
    ctx.lineWidth = 4; ctx.lineCap = 'round'; ctx.strokeStyle = '#000';
    let drawing = false, drawn = false;
    const at = (e) => { const r = pad.getBoundingClientRect(); return [(e.clientX - r.left) * pad.width / r.width, (e.clientY - r.top) * pad.height / r.height]; };
    pad.addEventListener('pointerdown', (e) => { drawing = true; drawn = true; const [x, y] = at(e); ctx.beginPath(); ctx.moveTo(x, y); pad.setPointerCapture(e.pointerId); });
    pad.addEventListener('pointermove', (e) => { if (!drawing) return; const [x, y] = at(e); ctx.lineTo(x, y); ctx.stroke(); });
    pad.addEventListener('pointerup', () => { drawing = false; });
    document.getElementById('pad-clear').addEventListener('click', () => { ctx.clearRect(0, 0, pad.width, pad.height); drawn = false; });
    document.getElementById('sign-form').addEventListener('submit', (ev) => {
      if (!drawn) { ev.preventDefault(); say('signFirst'); return; }
      ev.target.signature.value = pad.toDataURL('image/png');
    });
  }
})();
