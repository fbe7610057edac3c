// @ts-check
import { time } from './format.js'
import { t } from './i18n.js'
import { exitPlayback, loadWindow, loadedWindow, play, playing, seek, setSpeed, stop } from './playback.js'
import { changed, state } from './state.js'

/** The play bar: window, speed, play/pause and a time slider over the loaded window. */

const $ = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id))
const SLIDER_MAX = 1000

/** A datetime-local value in the browser's zone. @param {number} ms */
function localInput(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000)
  return d.toISOString().slice(0, 16)
}

/**
 * @param {{
 *   onEnter: (w: { from: number, to: number }) => void,
 *   onExit: () => void,
 *   onError: (where: string, err: unknown) => void,
 * }} hooks
 */
export function startPlaybackControls({ onEnter, onExit, onError }) {
  const bar = $('playbar')
  const run = $('play-run')
  const slider = $('play-slider')
  const banner = $('playback-banner')
  $('play-to').value = localInput(Date.now())
  $('play-from').value = localInput(Date.now() - 3_600_000)

  const show = () => {
    const w = loadedWindow()
    const at = state.playback?.at
    banner.hidden = !state.playback
    banner.textContent = state.playback ? `${t('play.banner')} ${at ? time(at) : ''}` : ''
    $('play-at').textContent = at ? time(at) : ''
    run.textContent = t(playing() ? 'play.pause' : 'play.play')
    if (w && at !== undefined) slider.value = String(Math.round(((at - w.from) / (w.to - w.from)) * SLIDER_MAX))
    changed('playback')
  }

  $('playback-toggle').addEventListener('click', () => {
    bar.hidden = !bar.hidden
  })
  $('play-speed').addEventListener('change', () => setSpeed(Number($('play-speed').value)))
  $('play-load').addEventListener('click', async () => {
    const from = new Date($('play-from').value).getTime()
    const to = new Date($('play-to').value).getTime()
    if (!(from < to)) return onError('playback', new Error(`${t('play.from')} < ${t('play.to')}`))
    $('play-at').textContent = t('play.loading')
    try {
      await loadWindow(from, to)
      run.disabled = false
      slider.disabled = false
      onEnter({ from, to })
      show()
    } catch (err) {
      onError('playback', err)
    }
  })
  run.addEventListener('click', () => {
    if (playing()) stop()
    else {
      setSpeed(Number($('play-speed').value))
      play(show)
    }
    show()
  })
  slider.addEventListener('input', () => {
    const w = loadedWindow()
    if (!w) return
    seek(w.from + (Number(slider.value) / SLIDER_MAX) * (w.to - w.from))
    show()
  })
  $('play-exit').addEventListener('click', () => {
    exitPlayback()
    run.disabled = true
    slider.disabled = true
    bar.hidden = true
    onExit()
    show()
    changed('devices')
  })
}
