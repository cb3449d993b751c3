/*
 * Optional alert sound: a short beep when something newly turns red (a caller or a pause past
 * the board's limit, the service level dropping under its target).
 *
 * Browsers only let a page make sound after someone has interacted with it, so the sound starts
 * off behind a small "Enable sound" button; the choice is remembered on this screen
 * (localStorage) and, after a reload, sound comes back with the first click or key press. Red
 * already on screen when a snapshot arrives is not news (board.js never raises it), and a room
 * full of red never beeps more than once every ten seconds. Loaded after board.js.
 */
(function wallboardAlerts() {
  "use strict";

  const core = window.wallboardCore;
  const { translator, el, setText } = window.wallboardKit;
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!AudioContextClass) return;

  const STORAGE_KEY = "wallboard.sound";
  const MIN_GAP_MS = 10000;
  const BEEP = { hz: 880, seconds: 0.25, volume: 0.2 };

  const t = translator({
    sound_enable: "Enable sound",
    sound_on: "Sound on",
    sound_hint: "A short beep when something turns red",
  });
  const sound = {
    enabled: remembered(),
    context: null,
    lastBeepAt: -Infinity,
    button: el("button", "sound-toggle", { type: "button", title: t("sound_hint") }),
  };

  function remembered() {
    try {
      return localStorage.getItem(STORAGE_KEY) === "on";
    } catch {
      return false;
    }
  }

  function remember(enabled) {
    try {
      localStorage.setItem(STORAGE_KEY, enabled ? "on" : "off");
    } catch {
      // Private mode or a locked-down kiosk: the choice holds until the page reloads.
    }
  }

  // Called from a click or key press, when the browser allows a context to start or resume.
  function wakeAudio() {
    sound.context ??= new AudioContextClass();
    if (sound.context.state === "suspended") sound.context.resume();
  }

  function toggle() {
    sound.enabled = !sound.enabled;
    remember(sound.enabled);
    if (sound.enabled) wakeAudio();
    renderButton();
  }

  function renderButton() {
    setText(sound.button, sound.enabled ? t("sound_on") : t("sound_enable"));
    sound.button.setAttribute("aria-pressed", String(sound.enabled));
  }

  function beep() {
    if (!sound.enabled || !sound.context) return;
    const now = Date.now();
    if (now - sound.lastBeepAt < MIN_GAP_MS) return;
    sound.lastBeepAt = now;
    const context = sound.context;
    const start = context.currentTime;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = BEEP.hz;
    // A quick fade in and out: a bare square edge clicks.
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(BEEP.volume, start + 0.02);
    gain.gain.linearRampToValueAtTime(0, start + BEEP.seconds);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + BEEP.seconds);
  }

  sound.button.addEventListener("click", toggle);
  // Remembered as on: the first interaction with the page (any) lets the sound back in.
  for (const type of ["pointerdown", "keydown"]) {
    document.addEventListener(type, () => {
      if (sound.enabled) wakeAudio();
    }, { once: true, capture: true });
  }
  renderButton();
  document.getElementById("tools").prepend(sound.button);
  core.onAlert(beep);
})();
