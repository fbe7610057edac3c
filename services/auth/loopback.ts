import { isIP } from 'node:net'

/** Host names and addresses that only the machine itself can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  return isIP(h) === 4 && h.startsWith('127.')
}

/** The peer address of a socket, IPv4-mapped IPv6 included (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false
  return isLoopbackHost(address.startsWith('::ffff:') ? address.slice(7) : address)
}
