// @ts-check
/**
 * Screen labels in Chinese (the default) and English. Metric names and units
 * come from GET /api/catalogue, so they are never written twice.
 */

/** @typedef {'zh' | 'en'} Lang */

const STORAGE_KEY = 'city-ops.lang'

/** @type {Record<string, [string, string]>} key → [zh, en] */
const LABELS = {
  title: ['城市运行监测中心', 'City Operations Centre'],
  'link.up': ['实时连接', 'Live'],
  'link.down': ['连接中断', 'Link down'],
  'link.connecting': ['连接中', 'Connecting'],
  'lang.toggle': ['English', '中文'],
  search: ['搜索设备编号或名称', 'Find a device by id or name'],
  overview: ['总览', 'Overview'],
  map: ['地图', 'Map'],
  alerts: ['告警', 'Alerts'],
  detail: ['设备详情', 'Device detail'],
  kpis: ['考核指标', 'Targets'],
  playback: ['历史回放', 'Playback'],
  'kind.water': ['水务', 'Water'],
  'kind.power': ['电力', 'Power'],
  'kind.gas': ['燃气', 'Gas'],
  'kind.noise': ['噪声', 'Noise'],
  'kind.ion': ['负氧离子', 'Negative ions'],
  'kind.air': ['空气质量', 'Air quality'],
  'kind.short.water': ['水', 'W'],
  'kind.short.power': ['电', 'P'],
  'kind.short.gas': ['燃', 'G'],
  'kind.short.noise': ['声', 'N'],
  'kind.short.ion': ['氧', 'I'],
  'kind.short.air': ['气', 'A'],
  online: ['在线', 'online'],
  offline: ['离线', 'offline'],
  unknown: ['未知', 'unknown'],
  alerting: ['告警', 'alerting'],
  'fig.depth': ['最深积水', 'Deepest ponding'],
  'fig.supply': ['最低供水压力', 'Lowest supply pressure'],
  'fig.voltage': ['最大电压偏差', 'Worst voltage deviation'],
  'fig.freq': ['频率', 'Frequency'],
  'fig.lel': ['最高甲烷浓度', 'Highest methane'],
  'fig.gasPressure': ['最低燃气压力', 'Lowest gas pressure'],
  'fig.noise': ['最高声级', 'Loudest'],
  'fig.limit': ['限值', 'limit'],
  'fig.ions': ['负氧离子均值', 'Mean negative ions'],
  'fig.ionsMax': ['最高', 'highest'],
  'fig.aqi': ['空气质量指数 (实时, 参考)', 'AQI (live, indicative)'],
  'fig.primary': ['首要污染物', 'primary pollutant'],
  'level.blue': ['蓝色', 'Blue'],
  'level.yellow': ['黄色', 'Yellow'],
  'level.orange': ['橙色', 'Orange'],
  'level.red': ['红色', 'Red'],
  'level.short.blue': ['蓝', 'B'],
  'level.short.yellow': ['黄', 'Y'],
  'level.short.orange': ['橙', 'O'],
  'level.short.red': ['红', 'R'],
  'state.active': ['未确认', 'Active'],
  'state.acknowledged': ['已确认', 'Acknowledged'],
  'state.cleared': ['已解除', 'Cleared'],
  'state.open': ['未解除', 'Open'],
  'type.waterlogging': ['内涝', 'Waterlogging'],
  'type.pipeline': ['管网', 'Pipeline'],
  'type.noise': ['噪声', 'Noise'],
  'type.power': ['电力', 'Power'],
  'type.air': ['空气', 'Air'],
  'type.device': ['设备', 'Device'],
  'type.platform': ['平台', 'Platform'],
  'filter.all': ['全部', 'All'],
  'filter.type': ['类型', 'Type'],
  'filter.level': ['等级', 'Level'],
  'filter.state': ['状态', 'State'],
  ack: ['确认', 'Acknowledge'],
  'ack.by': ['确认人', 'Acknowledged by'],
  'ack.failed': ['确认失败', 'Acknowledgement failed'],
  'operator.ask': ['请输入值班员姓名（仅询问一次）', 'Your name as the duty operator (asked once)'],
  'operator.ok': ['确定', 'OK'],
  'operator.cancel': ['取消', 'Cancel'],
  'alerts.none': ['暂无告警', 'No alerts'],
  'alerts.unavailable': ['告警服务暂不可用', 'Alert service not available'],
  'sound.enable': ['点击启用告警声音', 'Click to enable alarm sound'],
  'sound.on': ['声音已启用', 'Sound on'],
  'detail.none': ['在地图或搜索框中选择设备', 'Pick a device on the map or in the search box'],
  'detail.range': ['时间范围', 'Range'],
  'detail.noData': ['该时段无数据', 'No data in this range'],
  'detail.district': ['片区', 'District'],
  'detail.zone': ['声环境功能区', 'Noise zone'],
  'detail.last': ['最新数据', 'Latest reading'],
  'range.live': ['实时 15 分钟', 'Live 15 min'],
  'range.1h': ['1 小时', '1 hour'],
  'range.6h': ['6 小时', '6 hours'],
  'range.24h': ['24 小时', '24 hours'],
  'range.7d': ['7 天', '7 days'],
  'map.unplaced': ['未定位设备', 'Devices without a location'],
  'map.noOutline': ['无城区轮廓数据', 'No town outline'],
  'kpi.nightNoise': ['声环境功能区夜间达标率', 'Night-time noise compliance'],
  'kpi.nightNoise.note': ['平台估算（自动监测, 站点·天）', 'platform estimate (automatic, station-day)'],
  'kpi.target': ['目标', 'target'],
  'kpi.aqi': ['空气质量指数', 'Air quality index'],
  'kpi.ions': ['负氧离子日均值', 'Negative ions, daily mean'],
  'kpi.voltage': ['电压合格率', 'Voltage compliance'],
  'kpi.pressure': ['供水压力合格率', 'Supply pressure compliance'],
  'kpi.validRate': ['有效数据率', 'valid data'],
  'play.from': ['开始', 'From'],
  'play.to': ['结束', 'To'],
  'play.speed': ['倍速', 'Speed'],
  'play.load': ['载入', 'Load'],
  'play.play': ['播放', 'Play'],
  'play.pause': ['暂停', 'Pause'],
  'play.exit': ['返回实时', 'Back to live'],
  'play.loading': ['正在载入历史数据…', 'Loading history…'],
  'play.banner': ['历史回放', 'PLAYBACK'],
  'aqi.1': ['优', 'Good'],
  'aqi.2': ['良', 'Moderate'],
  'aqi.3': ['轻度污染', 'Lightly polluted'],
  'aqi.4': ['中度污染', 'Moderately polluted'],
  'aqi.5': ['重度污染', 'Heavily polluted'],
  'aqi.6': ['严重污染', 'Severely polluted'],
  none: ['—', '—'],
}

/** @type {Lang} */
let lang = readStoredLang()
/** @type {Set<() => void>} */
const listeners = new Set()

function readStoredLang() {
  return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh'
}

/** @returns {Lang} */
export function currentLang() {
  return lang
}

/** @param {Lang} next */
export function setLang(next) {
  lang = next
  window.localStorage.setItem(STORAGE_KEY, next)
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
  applyStatic()
  for (const fn of listeners) fn()
}

/** @param {() => void} fn */
export function onLangChange(fn) {
  listeners.add(fn)
}

/**
 * Adds the labels of a further view (the case view keeps its own in cases-i18n.js).
 * @param {Record<string, [string, string]>} more
 */
export function addLabels(more) {
  Object.assign(LABELS, more)
}

/** @param {string} key */
export function t(key) {
  const pair = LABELS[key]
  if (!pair) return key
  return lang === 'zh' ? pair[0] : pair[1]
}

/** Fills every element marked `data-i18n` (text) or `data-i18n-placeholder`. */
export function applyStatic() {
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.getAttribute('data-i18n') ?? '')
  }
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder') ?? ''))
  }
}
