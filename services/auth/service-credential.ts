import { chmod, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { newSecret } from './secrets.js'

/** The MQTT user name of the platform's own clients (ingest, alert sink, simulators). */
export const SERVICE_USERNAME = 'city-ops-service'

const FILE = 'mqtt-service.secret'

export interface ServiceCredential {
  readonly username: string
  readonly password: string
}

/**
 * The service credential of the embedded broker: MQTT_SERVICE_PASSWORD when
 * set, else a secret generated at the first start into DATA_DIR, readable by
 * the platform's user only (mode 0600).
 */
export async function loadServiceCredential(dataDir: string, configured?: string): Promise<ServiceCredential> {
  if (configured) return { username: SERVICE_USERNAME, password: configured }
  const file = path.join(dataDir, FILE)
  try {
    const password = (await readFile(file, 'utf8')).trim()
    if (password.length >= 16) return { username: SERVICE_USERNAME, password }
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err
  }
  const password = newSecret()
  // 'wx' fails if another process wrote the file meanwhile, rather than overwrite its secret.
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' })
  await chmod(file, 0o600)
  return { username: SERVICE_USERNAME, password }
}
