// @ts-check
/**
 * The red-alert beep (WebAudio). Browsers only let a page make sound after a
 * person has touched it, so the first click anywhere unlocks the audio.
 */

/** @type {AudioContext | null} */
let ctx = null
/** @type {ReturnType<typeof setInterval> | undefined} */
let timer
/** @type {Set<(on: boolean) => void>} */
const listeners = new Set()

export function unlockAudio() {
  if (!ctx) ctx = new AudioContext()
  if (ctx.state === 'suspended') {
    ctx.resume().then(
      () => notify(),
      (err) => reportAudio(err),
    )
  }
  notify()
}

/** @param {unknown} err */
function reportAudio(err) {
  window.dispatchEvent(new CustomEvent('city-ops:error', { detail: { where: 'audio', err } }))
}

function notify() {
  for (const fn of listeners) fn(audioReady())
}

export function audioReady() {
  return ctx !== null && ctx.state === 'running'
}

/** @param {(on: boolean) => void} fn */
export function onAudioChange(fn) {
  listeners.add(fn)
}

function beep() {
  if (!ctx || ctx.state !== 'running') return
  const osc = ctx.createOscillator()
  const gain = ctx.createGain()
  osc.type = 'square'
  osc.frequency.value = 880
  gain.gain.setValueAtTime(0.0001, ctx.currentTime)
  gain.gain.exponentialRampToValueAtTime(0.2, ctx.currentTime + 0.02)
  gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35)
  osc.connect(gain).connect(ctx.destination)
  osc.start()
  osc.stop(ctx.currentTime + 0.4)
}

/** Beeps every 2 s while `on`; stops when no red alert waits for acknowledgement. */
/** @param {boolean} on */
export function setAlarm(on) {
  if (on && timer === undefined) {
    beep()
    timer = setInterval(beep, 2000)
  } else if (!on && timer !== undefined) {
    clearInterval(timer)
    timer = undefined
  }
}
