import { readFile } from 'node:fs/promises'
import type { Config } from '../../core/config.js'
import { configInvalid } from '../../core/errors.js'

export interface TlsFiles {
  readonly cert: Buffer
  readonly key: Buffer
}

/** The certificate and key of TLS_CERT_FILE and TLS_KEY_FILE, or undefined when TLS is off. */
export async function readTlsFiles(
  config: Pick<Config, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>,
): Promise<TlsFiles | undefined> {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } = config
  if (!certFile && !keyFile) return undefined
  if (!certFile || !keyFile) throw configInvalid('TLS needs both TLS_CERT_FILE and TLS_KEY_FILE, and only one is set')
  const read = async (name: string, file: string) => {
    try {
      return await readFile(file)
    } catch (err) {
      throw configInvalid(`${name}=${file} cannot be read (${err instanceof Error ? err.message : String(err)})`)
    }
  }
  return { cert: await read('TLS_CERT_FILE', certFile), key: await read('TLS_KEY_FILE', keyFile) }
}
