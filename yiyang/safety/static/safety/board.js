// The live alarm board: htmx refreshes the list every 2 s; this script beeps for alarms not seen
// before and for alarms that have just become overdue. The tone is generated with the Web Audio
// API: no sound file, nothing loaded from anywhere.
// In a surge the list shows the most urgent alarms first and "显示更多" asks for more: the page
// remembers how many it asked for, and every refresh asks for as many again.
(function () {
  const state = window.yiyangBoard = {
    beeps: 0, seen: new Set(), overdue: new Set(), sound: true, first: true, limit: 0,
  };
  let ctx = null;

  function beep(times) {
    state.beeps += 1;
    document.body.dataset.beeps = String(state.beeps);
    if (!state.sound) return;
    try {
      ctx = ctx || new (window.AudioContext || window.webkitAudioContext)();
      if (ctx.state === 'suspended') ctx.resume();
      for (let i = 0; i < times; i++) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'square';
        osc.frequency.value = 880;
        gain.gain.value = 0.15;
        osc.connect(gain).connect(ctx.destination);
        const t = ctx.currentTime + i * 0.35;
        osc.start(t);
        osc.stop(t + 0.2);
      }
    } catch (e) { /* no audio device: the flag on the board still shows */ }
  }

  const toggle = document.getElementById('sound-toggle');
  if (toggle) {
    // Browsers start audio only after a gesture: the first click also unlocks it.
    toggle.addEventListener('click', () => {
      ctx = ctx || new (window.AudioContext || window.webkitAudioContext)();
      ctx.resume();
      state.sound = !state.sound || toggle.dataset.unlocked !== '1';
      toggle.dataset.unlocked = '1';
      // The labels come from the page, in the user's language.
      toggle.querySelector('span').textContent = state.sound
        ? (toggle.dataset.labelOn || '提示音已开启') : (toggle.dataset.labelOff || '提示音已关闭');
    });
  }

  document.body.addEventListener('htmx:configRequest', (ev) => {
    if (ev.detail.elt.id === 'board-list' && state.limit) ev.detail.parameters.limit = state.limit;
  });

  document.body.addEventListener('click', (ev) => {
    const more = ev.target.closest('#board-more');
    if (!more) return;
    state.limit = parseInt(more.dataset.limit, 10);
    more.disabled = true;
    htmx.trigger('#board-list', 'board-refresh');
  });

  document.body.addEventListener('htmx:afterSwap', (ev) => {
    if (ev.detail.target.id !== 'board-list') return;
    let fresh = 0, late = 0;
    ev.detail.target.querySelectorAll('[data-alarm-id]').forEach((el) => {
      const id = el.dataset.alarmId;
      if (el.dataset.status === 'new' && !state.seen.has(id)) fresh++;
      if (el.dataset.overdue === '1' && !state.overdue.has(id)) { late++; state.overdue.add(id); }
      state.seen.add(id);
      const panel = document.querySelector('#alarm-panel [data-alarm-id="' + id + '"]');
      if (panel) el.classList.add('active');
    });
    if (!state.first && fresh) beep(1);
    else if (state.first && fresh) beep(1);
    if (late) beep(3);
    state.first = false;
  });
})();
