// A volunteer's check-in and sign-off pages: the phone's position into the form's latitude and
// longitude fields; the state line (#position-state) carries its messages in data-* attributes.
(function () {
  'use strict';
  const state = document.getElementById('position-state');
  const say = (key) => { if (state) state.textContent = state.dataset[key] || ''; };
  if (!navigator.geolocation) { say('notLocated'); return; }
  navigator.geolocation.getCurrentPosition((p) => {
    document.querySelectorAll('input[name=latitude]').forEach((el) => { el.value = p.coords.latitude; });
    document.querySelectorAll('input[name=longitude]').forEach((el) => { el.value = p.coords.longitude; });
    say('located');
  }, () => say('notLocated'), {enableHighAccuracy: true, timeout: 10000});
})();
